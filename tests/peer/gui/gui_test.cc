// The desktop app end to end: a real duet-relay and real `duet` GUI processes on the X server
// (Xvfb under `make test`), driven with real X events; assertions read the state the app prints
// with DUET_TEST_STATE=1 (what the window shows, as JSON).
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "crypto/tls_endpoint.h"
#include "tests/peer/cli/cli_harness.h"
#include "tests/peer/gui/gui_driver.h"

namespace duet::testing {
namespace {

using nlohmann::json;

std::string StartRelay(std::unique_ptr<Process>& relay) {
  relay = std::make_unique<Process>(
      std::vector<std::string>{BinDir() + "/duet-relay", "--listen", "127.0.0.1:0"});
  auto line = relay->WaitForLine("listening on ", 10s);
  EXPECT_TRUE(line.has_value()) << relay->Transcript();
  return line ? line->substr(line->find("listening on ") + 13) : "";
}

std::vector<std::string> Flags(const std::string& relay, const std::string& name,
                               const std::string& room, bool connect) {
  // Side by side, so a click meant for one never lands on the other.
  std::vector<std::string> f = {"--relay", relay, "--room",     room,
                                "--name",  name,  "--position", name == "alice" ? "0,0" : "800,0"};
  if (connect) f.push_back("--connect");
  return f;
}

auto Screen(const std::string& s) {
  return [s](const json& j) { return j["screen"] == s; };
}
// Secure, and the header already names the peer.
auto Secure() {
  return [](const json& j) { return j["conn"] == "secure" && j["peer"] != ""; };
}

class GuiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("DISPLAY") == nullptr) GTEST_SKIP() << "no X display (make test uses Xvfb)";
    addr_ = StartRelay(relay_);
  }
  TempDir tmp_;
  std::unique_ptr<Process> relay_;
  std::string addr_;
};

TEST_F(GuiTest, ConnectsFromTheConnectScreenATypedMessageArrivesAndClosingShowsPeerLeft) {
  // First run: the setup screen makes the key in the background, then the connect screen.
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-1", false));
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-1", false));
  for (GuiApp* app : {&alice, &bob}) {
    ASSERT_TRUE(app->WaitState([](const json& j) {
      return j["screen"] == "setup" && j["key"] == "ready";
    })) << app->process().Transcript();
    app->Key("Return");  // Continue
    ASSERT_TRUE(app->WaitState(Screen("connect"))) << app->process().Transcript();
    app->Key("Return");  // Connect
  }
  auto as = alice.WaitState(Secure());
  auto bs = bob.WaitState(Secure());
  ASSERT_TRUE(as && bs) << alice.process().Transcript() << bob.process().Transcript();
  EXPECT_EQ((*as)["peer"], "bob");
  EXPECT_EQ((*as)["trust"], "new");
  EXPECT_EQ((*as)["title"], "Duet — bob · secure");

  // ASCII only: xdotool types other characters by remapping a spare key for a moment, which a
  // busy app can read after the remap is undone (text layout has its own tests for UTF-8).
  alice.Type("hello from alice");
  alice.Key("Return");
  auto got = bob.WaitState([](const json& j) { return HasLine(j, "peer", "hello from alice"); });
  ASSERT_TRUE(got) << bob.process().Transcript();
  auto delivered = alice.WaitState([](const json& j) {
    for (const json& l : j["transcript"]) {
      if (l["who"] == "me" && l["text"] == "hello from alice" && l["delivered"] == true)
        return true;
    }
    return false;
  });
  ASSERT_TRUE(delivered) << alice.process().Transcript();

  // Ctrl+Q does what closing the window does: BYE, then exit.
  bob.Key("ctrl+q");
  EXPECT_EQ(bob.process().Wait(30s), 0) << bob.process().Transcript();
  auto left = alice.WaitState([](const json& j) { return HasLine(j, "system", "bob left"); });
  ASSERT_TRUE(left) << alice.process().Transcript();
  EXPECT_EQ((*left)["conn"], "peer left");
  EXPECT_EQ((*left)["title"], "Duet — bob · peer left");
}

TEST_F(GuiTest, VerifyDialogShowsTheSameSasAndTheyDontMatchEndsTheSession) {
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-2", true));
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-2", true));
  ASSERT_TRUE(alice.WaitState(Secure()) && bob.WaitState(Secure()))
      << alice.process().Transcript() << bob.process().Transcript();
  alice.Key("ctrl+k");
  bob.Key("ctrl+k");
  auto ad = alice.WaitState([](const json& j) { return j["dialog"] == "verify"; });
  auto bd = bob.WaitState([](const json& j) { return j["dialog"] == "verify"; });
  ASSERT_TRUE(ad && bd) << alice.process().Transcript() << bob.process().Transcript();
  EXPECT_EQ((*ad)["sas"].get<std::string>().size(), 7u);  // "123 456"
  EXPECT_EQ((*ad)["sas"], (*bd)["sas"]);

  alice.ClickInDialog("mismatch");
  auto ended = alice.WaitState([](const json& j) { return j["banner"] == "ended"; });
  ASSERT_TRUE(ended) << alice.process().Transcript();
  EXPECT_EQ((*ended)["end_code"], "VERIFICATION_FAILED");
  EXPECT_EQ((*ended)["can_send"], false);
  EXPECT_EQ((*ended)["dialog"], "");
  auto told = bob.WaitState(
      [](const json& j) { return HasLine(j, "warning", "said the security codes did not match"); });
  ASSERT_TRUE(told) << bob.process().Transcript();
}

TEST_F(GuiTest, AChangedKeyShowsTheWarningAndSendingStaysDisabled) {
  {
    GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-3", true));
    GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-3", true));
    ASSERT_TRUE(alice.WaitState(Secure()) && bob.WaitState(Secure()));
    alice.Key("ctrl+q");
    bob.Key("ctrl+q");
    ASSERT_TRUE(alice.process().Wait(30s).has_value() && bob.process().Wait(30s).has_value());
  }
  // bob comes back as "bob" with a new key (a new home); alice has pinned the old one.
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-3", true));
  GuiApp bob(tmp_ / "bob2", Flags(addr_, "bob", "gui-3", true));
  auto warned = alice.WaitState([](const json& j) { return j["banner"] == "key_changed"; });
  ASSERT_TRUE(warned) << alice.process().Transcript();
  EXPECT_EQ((*warned)["trust"], "KEY CHANGED");
  EXPECT_EQ((*warned)["can_send"], false);

  // Typing and Enter send nothing while the warning stands.
  alice.Type("should not be sent");
  alice.Key("Return");
  alice.Key("ctrl+Return");
  ASSERT_TRUE(bob.WaitState(Secure()));
  EXPECT_FALSE(HasLine(alice.last(), "me", "should not be sent"));
  // What the new key sends is held unread: counted in the banner, not in the transcript.
  bob.Type("from the new key");
  bob.Key("Return");
  auto held = alice.WaitState([](const json& j) { return j["held"] == 1; });
  ASSERT_TRUE(held) << alice.process().Transcript();
  EXPECT_FALSE(HasLine(*held, "peer", "from the new key"));
  // Accepting the new key (after comparing codes) lifts the block and shows what was held.
  alice.Click("accept_key");
  auto accepted = alice.WaitState([](const json& j) {
    return j["can_send"] == true && HasLine(j, "peer", "from the new key");
  });
  ASSERT_TRUE(accepted) << alice.process().Transcript();
  EXPECT_EQ((*accepted)["trust"], "verified");
  EXPECT_EQ((*accepted)["banner"], "");
  EXPECT_TRUE(HasLine(*accepted, "system", "Sent before you accepted the new key"));
}

TEST_F(GuiTest, AnUnreachableRelayIsASentenceOnTheConnectScreen) {
  relay_->Signal(SIGTERM);  // its port is now closed
  ASSERT_TRUE(relay_->Wait(20s).has_value());
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-4", true));
  auto refused = alice.WaitState([](const json& j) {
    return j["screen"] == "connect" && !j["error"].get<std::string>().empty();
  });
  ASSERT_TRUE(refused) << alice.process().Transcript();
  EXPECT_NE((*refused)["error"].get<std::string>().find("Could not reach the relay"),
            std::string::npos);
}

// The first file card is in `state`.
auto FileCardIs(const std::string& state) {
  return [state](const json& j) { return !j["files"].empty() && j["files"][0]["state"] == state; };
}

TEST_F(GuiTest, AnImageSentWithAttachArrivesWithAProgressBarAndAPreview) {
  const std::string image = DUET_SOURCE_DIR "/tests/peer/gui/testdata/gradient.png";
  const std::string downloads = tmp_ / "bob-downloads";
  // A stand-in for xdg-open that says what it was asked to open on bob's output.
  const std::string bin = tmp_ / "bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin + "/xdg-open") << "#!/bin/sh\necho \"XDG-OPEN $1\"\n";
  std::filesystem::permissions(bin + "/xdg-open", std::filesystem::perms::owner_all);
  // The Attach button's own path, with the chooser's answer given up front.
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-5", true), {"DUET_TEST_ATTACH=" + image});
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-5", true),
             {"DUET_DOWNLOADS=" + downloads, "PATH=" + bin + ":" + std::getenv("PATH")});
  ASSERT_TRUE(alice.WaitState(Secure()) && bob.WaitState(Secure()));

  alice.Click("attach");
  auto offered = bob.WaitState([](const json& j) {
    return FileCardIs("offered")(j) && j["widgets"].contains("file0_accept");
  });
  ASSERT_TRUE(offered) << bob.process().Transcript() << alice.process().Transcript();
  EXPECT_EQ((*offered)["files"][0]["name"], "gradient.png");
  EXPECT_EQ((*offered)["files"][0]["size"], std::filesystem::file_size(image));
  EXPECT_EQ((*offered)["files"][0]["incoming"], true);

  bob.Click("file0_accept");
  auto saved = bob.WaitState(FileCardIs("done"));
  ASSERT_TRUE(saved) << bob.process().Transcript();
  const json& got = (*saved)["files"][0];
  EXPECT_EQ(got["bar"], true);
  EXPECT_EQ(got["progress"], 1.0);
  EXPECT_EQ(got["preview"], true);
  EXPECT_EQ(got["error"], "");
  EXPECT_EQ(got["path"], downloads + "/gradient.png");
  EXPECT_EQ(ReadAll(got["path"]), ReadAll(image));
  ASSERT_TRUE((*saved)["widgets"].contains("file0_show"));
  bob.Click("file0_show");
  EXPECT_TRUE(bob.process().WaitForLine("XDG-OPEN " + downloads, 20s))
      << bob.process().Transcript();

  auto sent = alice.WaitState(FileCardIs("done"));
  ASSERT_TRUE(sent) << alice.process().Transcript();
  EXPECT_EQ((*sent)["files"][0]["incoming"], false);
  EXPECT_EQ((*sent)["files"][0]["bar"], true);
  EXPECT_EQ((*sent)["files"][0]["preview"], true);
}

TEST_F(GuiTest, TheFolderChosenOnTheConnectScreenReceivesFilesAndIsRemembered) {
  const std::string image = DUET_SOURCE_DIR "/tests/peer/gui/testdata/gradient.png";
  const std::string chosen = tmp_ / "chosen";  // made when chosen
  auto downloads_is = [](const std::string& path) {
    return [path](const json& j) { return j["screen"] == "connect" && j["downloads"] == path; };
  };
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-6", true), {"DUET_TEST_ATTACH=" + image});
  {
    GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-6", false),
               {"DUET_TEST_CHOOSE_FOLDER=" + chosen});
    ASSERT_TRUE(bob.WaitState([](const json& j) {
      return j["screen"] == "setup" && j["key"] == "ready";
    })) << bob.process().Transcript();
    bob.Key("Return");  // Continue
    auto shown = bob.WaitState(Screen("connect"));
    ASSERT_TRUE(shown) << bob.process().Transcript();
    EXPECT_NE((*shown)["downloads"], chosen);
    EXPECT_NE((*shown)["downloads"], "");
    bob.Click("change_downloads");
    ASSERT_TRUE(bob.WaitState(downloads_is(chosen))) << bob.process().Transcript();
    EXPECT_TRUE(std::filesystem::is_directory(chosen));
    bob.Click("connect");
    ASSERT_TRUE(alice.WaitState(Secure()) && bob.WaitState(Secure()))
        << alice.process().Transcript() << bob.process().Transcript();

    alice.Click("attach");
    ASSERT_TRUE(bob.WaitState([](const json& j) {
      return FileCardIs("offered")(j) && j["widgets"].contains("file0_accept");
    })) << bob.process().Transcript();
    bob.Click("file0_accept");
    auto saved = bob.WaitState(FileCardIs("done"));
    ASSERT_TRUE(saved) << bob.process().Transcript();
    EXPECT_EQ((*saved)["files"][0]["path"], chosen + "/gradient.png");
    EXPECT_EQ(ReadAll(chosen + "/gradient.png"), ReadAll(image));
    bob.Key("ctrl+q");
    EXPECT_EQ(bob.process().Wait(30s), 0) << bob.process().Transcript();
  }
  // The next run shows the remembered folder; a folder that cannot be used is a sentence and
  // changes nothing.
  const std::string not_a_folder = tmp_ / "plain-file";
  std::ofstream(not_a_folder) << "x";
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-6", false),
             {"DUET_TEST_CHOOSE_FOLDER=" + not_a_folder});
  ASSERT_TRUE(bob.WaitState(downloads_is(chosen))) << bob.process().Transcript();
  bob.Click("change_downloads");
  auto refused = bob.WaitState([](const json& j) { return j["error"] != ""; });
  ASSERT_TRUE(refused) << bob.process().Transcript();
  EXPECT_EQ((*refused)["downloads"], chosen);
  EXPECT_NE((*refused)["error"].get<std::string>().find(not_a_folder), std::string::npos)
      << (*refused)["error"];
}

// Three files from a terminal peer wait in bob's app at once: the offers bar answers them all.
class GuiOffersTest : public GuiTest {
 protected:
  void SetUp() override {
    GuiTest::SetUp();
    if (IsSkipped()) return;
    std::filesystem::create_directories(downloads_);
    for (size_t i = 0; i < kNames.size(); ++i) {
      files_.push_back(tmp_ / kNames[i]);
      WriteRandomFile(files_.back(), 1000 + 300'000 * i, static_cast<uint32_t>(i + 1));
    }
    bob_ = std::make_unique<GuiApp>(tmp_ / "bob", Flags(addr_, "bob", "gui-offers", true),
                                    std::vector<std::string>{"DUET_DOWNLOADS=" + downloads_});
    alice_ = StartPeer(addr_, "alice", tmp_ / "alice", "gui-offers");
    ASSERT_TRUE(bob_->WaitState(Secure())) << bob_->process().Transcript();
    ASSERT_TRUE(Event(*alice_, "secure")) << alice_->Transcript();
    for (const std::string& f : files_) alice_->WriteLine("/file " + f);
  }
  // The bar offers to accept `n` waiting files.
  static auto OffersBarFor(size_t n) {
    return [n](const json& j) {
      // value(): a missing key is a state that does not match, not an abort.
      return j.value("waiting_offers", size_t{0}) == n &&
             j.value("accept_all", "") == "Accept all (" + std::to_string(n) + ")" &&
             j["widgets"].contains("accept_all") && j["widgets"].contains("decline_all");
    };
  }
  // Every card is in `state`, and the bar is gone.
  auto AllFiles(const std::string& state) {
    return [state, n = files_.size()](const json& j) {
      if (j["files"].size() != n || j.value("accept_all", "") != "" ||
          j["widgets"].contains("accept_all"))
        return false;
      for (const json& f : j["files"])
        if (f["state"] != state) return false;
      return true;
    };
  }

  static inline const std::vector<std::string> kNames = {"notes.txt", "photo.jpg", "data.bin"};
  std::vector<std::string> files_;
  std::string downloads_ = tmp_ / "bob-downloads";
  std::unique_ptr<GuiApp> bob_;
  std::unique_ptr<Process> alice_;
};

TEST_F(GuiOffersTest, AcceptAllSavesEveryWaitingFileIntact) {
  auto offered = bob_->WaitState(OffersBarFor(3));
  ASSERT_TRUE(offered) << bob_->process().Transcript() << alice_->Transcript();
  EXPECT_EQ((*offered)["files"].size(), 3u);
  bob_->Click("accept_all");
  auto saved = bob_->WaitState(AllFiles("done"));
  ASSERT_TRUE(saved) << bob_->process().Transcript();
  EXPECT_EQ(saved->value("waiting_offers", -1), 0);
  for (size_t i = 0; i < kNames.size(); ++i) {
    const std::string path = downloads_ + "/" + kNames[i];
    EXPECT_EQ(ReadAll(path), ReadAll(files_[i])) << path;
  }
  EXPECT_EQ(Listing(downloads_), (std::set<std::string>(kNames.begin(), kNames.end())));
  for (size_t i = 0; i < kNames.size(); ++i)
    EXPECT_TRUE(Event(*alice_, "file_sent", i)) << alice_->Transcript();
}

// One offer declined on its card leaves two under the bar; Decline all answers both, and every
// card reads as declined (a choice), not failed; the terminal peer hears FILE_DECLINED for each.
TEST_F(GuiOffersTest, DeclineAllDeclinesEveryWaitingFileAndTheSenderHearsEach) {
  ASSERT_TRUE(bob_->WaitState([](const json& j) {
    return OffersBarFor(3)(j) && j["widgets"].contains("file2_decline");
  })) << bob_->process().Transcript()
      << alice_->Transcript();
  bob_->Click("file2_decline");  // the newest card, in view
  ASSERT_TRUE(bob_->WaitState(OffersBarFor(2))) << bob_->process().Transcript();
  bob_->Click("decline_all");
  auto declined = bob_->WaitState(AllFiles("declined"));
  ASSERT_TRUE(declined) << bob_->process().Transcript();
  for (const json& f : (*declined)["files"]) {
    EXPECT_EQ(f["status"], "Declined");
    EXPECT_EQ(f["error"], "You declined the file.");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < kNames.size(); ++i) {
    auto failed = Event(*alice_, "file_failed", i);
    ASSERT_TRUE(failed) << alice_->Transcript();
    EXPECT_EQ((*failed)["code"], "FILE_DECLINED");
    names.insert((*failed)["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>(kNames.begin(), kNames.end())));
  EXPECT_TRUE(Listing(downloads_).empty());
}

// A folder with a tree (files at two depths, an empty folder) that `WriteAlbum` made in `dir`.
const std::vector<std::string> kAlbumFiles = {"notes.txt", "2024/sea.jpg", "2024/june/beach.jpg"};
void WriteAlbum(const std::string& dir) {
  std::filesystem::create_directories(dir + "/2024/june");
  std::filesystem::create_directories(dir + "/empty");
  for (size_t i = 0; i < kAlbumFiles.size(); ++i)
    WriteRandomFile(dir + "/" + kAlbumFiles[i], 1000 + 150'000 * i, static_cast<uint32_t>(i + 7));
}
// `saved` holds the tree of `album`: the same files, byte for byte, and the empty folder.
void ExpectSameTree(const std::string& album, const std::string& saved) {
  for (const std::string& f : kAlbumFiles)
    EXPECT_EQ(ReadAll(saved + "/" + f), ReadAll(album + "/" + f)) << f;
  EXPECT_EQ(Listing(saved), (std::set<std::string>{"2024", "empty", "notes.txt"}));
  EXPECT_EQ(Listing(saved + "/2024"), (std::set<std::string>{"june", "sea.jpg"}));
  EXPECT_TRUE(std::filesystem::is_directory(saved + "/empty"));
  EXPECT_TRUE(Listing(saved + "/empty").empty());
}

// A terminal peer sends a folder whole (/file DIR): bob's app shows one card for it, counted in
// files, and its Accept saves the whole tree; the sender hears it delivered.
TEST_F(GuiTest, AFolderFromATerminalPeerIsOneCardAndAcceptSavesItsTree) {
  const std::string album = tmp_ / "Album";
  WriteAlbum(album);
  const std::string downloads = tmp_ / "bob-downloads";
  std::filesystem::create_directories(downloads);
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-folder-in", true),
             {"DUET_DOWNLOADS=" + downloads});
  auto alice = StartPeer(addr_, "alice", tmp_ / "alice", "gui-folder-in");
  ASSERT_TRUE(bob.WaitState(Secure())) << bob.process().Transcript();
  ASSERT_TRUE(Event(*alice, "secure")) << alice->Transcript();
  alice->WriteLine("/file " + album);

  auto offered = bob.WaitState([](const json& j) {
    return FileCardIs("offered")(j) && j["widgets"].contains("file0_accept");
  });
  ASSERT_TRUE(offered) << bob.process().Transcript() << alice->Transcript();
  ASSERT_EQ((*offered)["files"].size(), 1u);
  const json& card = (*offered)["files"][0];
  EXPECT_EQ(card["folder"], true);
  EXPECT_EQ(card["name"], "Album");
  EXPECT_EQ(card["incoming"], true);
  EXPECT_EQ(card["entries"], 4);  // three files and the empty folder
  EXPECT_EQ(card["size"], 1000 + 151'000 + 301'000);
  EXPECT_EQ(card["status"], "Wants to send you 4 files · 453 KB");
  EXPECT_EQ(offered->value("waiting_offers", 0), 1);

  bob.Click("file0_accept");
  auto saved = bob.WaitState(FileCardIs("done"));
  ASSERT_TRUE(saved) << bob.process().Transcript() << alice->Transcript();
  ASSERT_EQ((*saved)["files"].size(), 1u);  // its files got no cards of their own
  const json& got = (*saved)["files"][0];
  EXPECT_EQ(got["entries_done"], 4);
  EXPECT_EQ(got["failed"], 0);
  EXPECT_EQ(got["bar"], true);
  EXPECT_EQ(got["path"], downloads + "/Album");
  EXPECT_EQ(got["status"], "Saved in " + downloads + "/Album");
  EXPECT_EQ(Listing(downloads), (std::set<std::string>{"Album"}));
  ExpectSameTree(album, downloads + "/Album");
  EXPECT_TRUE(Event(*alice, "folder_sent")) << alice->Transcript();
}

// A file and a folder wait at once: the offers bar counts both, and Accept all takes the folder
// with the file.
TEST_F(GuiTest, AcceptAllTakesAWaitingFolderWithTheFiles) {
  const std::string album = tmp_ / "Album";
  WriteAlbum(album);
  const std::string note = tmp_ / "note.txt";
  WriteRandomFile(note, 500, 3);
  const std::string downloads = tmp_ / "bob-downloads";
  std::filesystem::create_directories(downloads);
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-folder-all", true),
             {"DUET_DOWNLOADS=" + downloads});
  auto alice = StartPeer(addr_, "alice", tmp_ / "alice", "gui-folder-all");
  ASSERT_TRUE(bob.WaitState(Secure())) << bob.process().Transcript();
  ASSERT_TRUE(Event(*alice, "secure")) << alice->Transcript();
  alice->WriteLine("/file " + note);
  alice->WriteLine("/file " + album);

  auto offered = bob.WaitState([](const json& j) {
    return j.value("waiting_offers", size_t{0}) == 2 &&
           j.value("accept_all", "") == "Accept all (2)" && j["widgets"].contains("accept_all");
  });
  ASSERT_TRUE(offered) << bob.process().Transcript() << alice->Transcript();
  bob.Click("accept_all");
  auto saved = bob.WaitState([](const json& j) {
    return j["files"].size() == 2 && j["files"][0]["state"] == "done" &&
           j["files"][1]["state"] == "done";
  });
  ASSERT_TRUE(saved) << bob.process().Transcript() << alice->Transcript();
  EXPECT_EQ((*saved)["files"][1]["folder"], true);
  EXPECT_EQ(saved->value("waiting_offers", -1), 0);
  EXPECT_EQ(ReadAll(downloads + "/note.txt"), ReadAll(note));
  ExpectSameTree(album, downloads + "/Album");
}

// The Attach path with a folder sends it whole: one outgoing card, what is not sent (a link) said
// once, and the terminal peer saves the tree.
TEST_F(GuiTest, AFolderAttachedIsSentWholeAndWhatIsNotSentIsSaidOnce) {
  const std::string album = tmp_ / "Album";
  WriteAlbum(album);
  std::filesystem::create_symlink("/etc/hostname", album + "/link");
  const std::string downloads = tmp_ / "bob-downloads";
  std::filesystem::create_directories(downloads);
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-folder-out", true),
               {"DUET_TEST_ATTACH=" + album});
  auto bob = StartPeer(addr_, "bob", tmp_ / "bob", "gui-folder-out", {"--accept-files", downloads});
  ASSERT_TRUE(alice.WaitState(Secure())) << alice.process().Transcript();
  ASSERT_TRUE(Event(*bob, "secure")) << bob->Transcript();

  alice.Click("attach");
  auto sent = alice.WaitState(FileCardIs("done"));
  ASSERT_TRUE(sent) << alice.process().Transcript() << bob->Transcript();
  ASSERT_EQ((*sent)["files"].size(), 1u);
  const json& card = (*sent)["files"][0];
  EXPECT_EQ(card["folder"], true);
  EXPECT_EQ(card["incoming"], false);
  EXPECT_EQ(card["name"], "Album");
  EXPECT_EQ(card["entries"], 4);
  EXPECT_EQ(card["status"], "Delivered");
  size_t said = 0;
  for (const json& l : (*sent)["transcript"])
    said += l["who"] == "system" &&
            l["text"] == "Not sent from Album: link: a symbolic link (links are not followed)";
  EXPECT_EQ(said, 1u);
  ASSERT_TRUE(Event(*bob, "folder")) << bob->Transcript();
  ExpectSameTree(album, downloads + "/Album");
}

// bob stops answering (his process is stopped) while a file moves to him: alice's header says
// "no answer from the other side" and her card says stalled instead of a rate that decays; when
// bob answers again both go back.
TEST_F(GuiTest, TheHeaderAndTheFileCardSayWhenTheOtherSideStopsAnswering) {
  // Large enough that it cannot all fit in the sockets and the relay's buffers while bob sleeps.
  const std::string big = tmp_ / "big.bin";
  std::ofstream(big).close();
  std::filesystem::resize_file(big, 256u << 20);
  std::vector<std::string> quick = {"--stall-after", "2", "--lost-after", "120"};
  auto with = [&quick](std::vector<std::string> f) {
    f.insert(f.end(), quick.begin(), quick.end());
    return f;
  };
  GuiApp alice(tmp_ / "alice", with(Flags(addr_, "alice", "gui-7", true)),
               {"DUET_TEST_ATTACH=" + big});
  GuiApp bob(tmp_ / "bob", with(Flags(addr_, "bob", "gui-7", true)),
             {"DUET_DOWNLOADS=" + (tmp_ / "bob-downloads")});
  ASSERT_TRUE(alice.WaitState(Secure()) && bob.WaitState(Secure()));
  alice.Click("attach");
  ASSERT_TRUE(bob.WaitState([](const json& j) {
    return FileCardIs("offered")(j) && j["widgets"].contains("file0_accept");
  })) << bob.process().Transcript();
  bob.Click("file0_accept");
  ASSERT_TRUE(bob.WaitState([](const json& j) {
    return FileCardIs("transferring")(j) && j["files"][0]["done"] > 0;
  })) << bob.process().Transcript();
  bob.process().Signal(SIGSTOP);

  auto stalled = alice.WaitState([](const json& j) { return j["stalled"] == true; });
  bob.process().Signal(SIGCONT);
  ASSERT_TRUE(stalled) << alice.process().Transcript();
  EXPECT_EQ((*stalled)["conn"], "no answer from the other side");
  EXPECT_EQ((*stalled)["files"][0]["state"], "transferring");
  EXPECT_NE((*stalled)["files"][0]["status"].get<std::string>().find(
                "stalled, waiting for the other side"),
            std::string::npos)
      << (*stalled)["files"][0]["status"];

  auto live = alice.WaitState([](const json& j) {
    return j["stalled"] == false && j["conn"] == "secure" &&
           j["files"][0]["status"].get<std::string>().find("stalled") == std::string::npos;
  });
  ASSERT_TRUE(live) << alice.process().Transcript();
}

}  // namespace
}  // namespace duet::testing

namespace duet::testing {
namespace {

auto Completions(std::vector<std::string> words) {
  return [words](const json& j) {
    return j["screen"] == "connect" && j["completions"] == json(words);
  };
}

TEST_F(GuiTest, TypingAPartialCodeWordOffersTheListedWordsAndTabCompletesIt) {
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "7301", false));
  ASSERT_TRUE(alice.WaitState([](const json& j) {
    return j["screen"] == "setup" && j["key"] == "ready";
  })) << alice.process().Transcript();
  alice.Key("Return");  // Continue
  ASSERT_TRUE(alice.WaitState(Screen("connect"))) << alice.process().Transcript();
  EXPECT_EQ(alice.last()["completions"], json::array());

  alice.Click("code");
  alice.Key("End");
  alice.Key("minus");  // (xdotool type would read a leading '-' as an option)
  alice.Type("acorn-gra");
  ASSERT_TRUE(alice.WaitState(Completions({"grab", "grain", "grant", "grape", "graph", "grasp"})))
      << alice.process().Transcript();
  alice.Type("v");
  ASSERT_TRUE(alice.WaitState(Completions({"grave", "gravy"}))) << alice.process().Transcript();
  // Tab takes the first and adds the hyphen: the next letters are the third word's.
  alice.Key("Tab");
  ASSERT_TRUE(alice.WaitState(Completions({}))) << alice.process().Transcript();
  alice.Type("pe");
  ASSERT_TRUE(alice.WaitState(Completions({"pecan", "penny", "pep", "perch", "perky", "perm"})))
      << alice.process().Transcript();
  // Down, then Enter: the second; the last word gets no hyphen, and the list closes.
  alice.Key("Down");
  alice.Key("Return");
  ASSERT_TRUE(alice.WaitState(Completions({}))) << alice.process().Transcript();
  // Enter with the list closed connects with "7301-acorn-grave-penny": a code it accepts.
  alice.Key("Return");
  auto chat = alice.WaitState(Screen("chat"));
  ASSERT_TRUE(chat) << alice.process().Transcript();
  EXPECT_TRUE(HasLine(*chat, "system", "Joining room 7301-acorn-grave-penny"))
      << alice.process().Transcript();
}

TEST_F(GuiTest, TwoAppsWithTheSameCodeShowThePeerVerifiedByTheCodeWithoutAnyClick) {
  const std::string code = "7301-acorn-gravy-petal";
  GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", code, true));
  GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", code, true));
  auto as = alice.WaitState(Secure());
  auto bs = bob.WaitState(Secure());
  ASSERT_TRUE(as && bs) << alice.process().Transcript() << bob.process().Transcript();
  for (const json* s : {&*as, &*bs}) {
    EXPECT_EQ((*s)["trust"], "verified");
    EXPECT_EQ((*s)["code_checked"], true);
    EXPECT_TRUE(HasLine(*s, "system", "(verified: checked by the code you exchanged)"));
  }
}

// The verify dialog says which key agreement the session uses, and "post-quantum sessions only"
// is remembered; where OpenSSL has no ML-KEM the box is greyed and --require-pq is a sentence on
// the connect screen, not a connection.
TEST_F(GuiTest, TheVerifyDialogNamesTheKeyAgreementAndPostQuantumOnlyIsRemembered) {
  const bool pq = crypto::HybridGroupAvailable();
  {
    GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-pq", true));
    GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-pq", true));
    ASSERT_TRUE(alice.WaitState(Secure()) && bob.WaitState(Secure()))
        << alice.process().Transcript() << bob.process().Transcript();
    alice.Key("ctrl+k");
    auto shown = alice.WaitState([](const json& j) { return j["dialog"] == "verify"; });
    ASSERT_TRUE(shown) << alice.process().Transcript();
    EXPECT_EQ((*shown)["key_agreement"], pq ? "X25519MLKEM768" : "X25519");
    EXPECT_EQ((*shown)["post_quantum"], pq);
    EXPECT_EQ((*shown)["dialog_key_agreement"],
              pq ? "X25519MLKEM768  ·  post-quantum: yes"
                 : "X25519  ·  post-quantum: no (needs OpenSSL 3.5 or later on both machines)");
    EXPECT_EQ((*shown)["require_pq"], false);
    EXPECT_EQ((*shown)["pq_available"], pq);
  }
  if (!pq) {
    std::vector<std::string> flags = Flags(addr_, "carol", "gui-pq2", false);
    flags.push_back("--require-pq");
    GuiApp carol(tmp_ / "carol", flags);
    ASSERT_TRUE(carol.WaitState([](const json& j) {
      return j["screen"] == "setup" && j["key"] == "ready";
    })) << carol.process().Transcript();
    carol.Key("Return");  // Continue
    auto connect = carol.WaitState(Screen("connect"));
    ASSERT_TRUE(connect) << carol.process().Transcript();
    EXPECT_EQ((*connect)["require_pq"], true);
    EXPECT_EQ((*connect)["pq_available"], false);
    carol.Click("connect");
    auto refused = carol.WaitState([](const json& j) { return j["error"] != ""; });
    ASSERT_TRUE(refused) << carol.process().Transcript();
    EXPECT_EQ((*refused)["screen"], "connect");
    EXPECT_NE((*refused)["error"].get<std::string>().find("has no ML-KEM"), std::string::npos)
        << (*refused)["error"];
    return;
  }
  // Ticked once, it stays ticked: the next run connects post-quantum only.
  {
    GuiApp alice(tmp_ / "alice", Flags(addr_, "alice", "gui-pq3", false));
    auto connect = alice.WaitState(Screen("connect"));
    ASSERT_TRUE(connect) << alice.process().Transcript();
    alice.Click("require_pq");
    ASSERT_TRUE(alice.WaitState([](const json& j) { return j["require_pq"] == true; }))
        << alice.process().Transcript();
    alice.Click("connect");
    GuiApp bob(tmp_ / "bob", Flags(addr_, "bob", "gui-pq3", true));
    auto secure = alice.WaitState(Secure());
    ASSERT_TRUE(secure) << alice.process().Transcript() << bob.process().Transcript();
    EXPECT_EQ((*secure)["post_quantum"], true);
    alice.Key("ctrl+q");
    EXPECT_EQ(alice.process().Wait(30s), 0) << alice.process().Transcript();
  }
  GuiApp again(tmp_ / "alice", Flags(addr_, "alice", "gui-pq3", false));
  auto remembered = again.WaitState(Screen("connect"));
  ASSERT_TRUE(remembered) << again.process().Transcript();
  EXPECT_EQ((*remembered)["require_pq"], true);
}

}  // namespace
}  // namespace duet::testing
