#include "crypto/pin_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "crypto/safety_number.h"
#include "tests/support/process.h"
#include "wire/relay_protocol.h"

namespace duet::crypto {
namespace {

namespace fs = std::filesystem;

Fingerprint Fp(uint8_t seed) {
  Fingerprint f;
  for (size_t i = 0; i < f.bytes.size(); ++i) f.bytes[i] = static_cast<uint8_t>(seed + i);
  return f;
}

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

class PinStoreTest : public ::testing::Test {
 protected:
  duet::testing::TempDir tmp_;
  fs::path path() const { return tmp_.path() + "/pins"; }
};

TEST_F(PinStoreTest, PersistsAcrossReopenWithMode0600AndNoTempFiles) {
  {
    PinStore s = PinStore::Open(path()).value();
    ASSERT_TRUE(
        s.Store({Pin{"bob", Fp(1), kNow / 1000, true}, Pin{"carol", Fp(9), kNow / 1000, false}})
            .ok());
  }
  struct stat st {};
  ASSERT_EQ(stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  size_t files = 0;
  for (auto& e : fs::directory_iterator(tmp_.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);

  PinStore again = PinStore::Open(path()).value();
  ASSERT_EQ(again.pins().size(), 2u);
  EXPECT_EQ(again.pins()[0].name, "bob");
  EXPECT_EQ(again.pins()[0].fingerprint, Fp(1));
  EXPECT_TRUE(again.pins()[0].verified);
  EXPECT_EQ(again.pins()[1].name, "carol");
  EXPECT_FALSE(again.pins()[1].verified);
  EXPECT_EQ(again.pins()[0].first_seen_s, kNow / 1000);
}

// Someone else who can write the folder swaps the pins for a link to a file they made (pinning
// their key under a contact's name), or makes the file writable: Duet refuses to use it.
TEST_F(PinStoreTest, RefusesAPinsFileThatIsALinkOrWorldWritable) {
  ASSERT_TRUE(PinStore::Open(path()).value().Store({Pin{"bob", Fp(1), 0, true}}).ok());
  const fs::path planted = fs::path(tmp_.path()) / "planted";
  fs::rename(path(), planted);
  fs::create_symlink(planted, path());
  Result<PinStore> linked = PinStore::Open(path());
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().code, "PINS_UNSAFE_FILE");
  EXPECT_NE(linked.error().message.find("symbolic link"), std::string::npos);
  fs::remove(path());
  fs::rename(planted, path());
  ASSERT_EQ(chmod(path().c_str(), 0666), 0);
  Result<PinStore> open = PinStore::Open(path());
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.error().code, "PINS_PERMISSIONS");
  EXPECT_NE(open.error().message.find("chmod 600 " + path().string()), std::string::npos);
  ASSERT_EQ(chmod(path().c_str(), 0600), 0);
  EXPECT_EQ(PinStore::Open(path()).value().pins().size(), 1u);
}

TEST_F(PinStoreTest, FileIsReadableByAPerson) {
  PinStore s = PinStore::Open(path()).value();
  ASSERT_TRUE(s.Store({Pin{"bob smith", Fp(1), kNow / 1000, false}}).ok());
  std::ifstream in(path());
  std::string header, line;
  std::getline(in, header);
  std::getline(in, line);
  EXPECT_EQ(header[0], '#');
  EXPECT_EQ(line, Fp(1).Hex() + " unverified 2023-11-14T22:13:20Z bob smith");
}

TEST_F(PinStoreTest, NamesWithSpacesUtf8AndControlCharactersRoundTrip) {
  const std::vector<std::string> names = {"Zoë 🌻", "line\nbreak", "tab\there", "100%", "\x1b[31m"};
  PinStore s = PinStore::Open(path()).value();
  std::vector<Pin> pins;
  for (size_t i = 0; i < names.size(); ++i) {
    pins.push_back(Pin{names[i], Fp(static_cast<uint8_t>(i * 40)), kNow / 1000, false});
  }
  ASSERT_TRUE(s.Store(pins).ok());
  PinStore again = PinStore::Open(path()).value();
  ASSERT_EQ(again.pins().size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(again.pins()[i].name, names[i]) << i;
    EXPECT_EQ(again.pins()[i].fingerprint, Fp(static_cast<uint8_t>(i * 40))) << i;
  }
}

TEST_F(PinStoreTest, DamagedLinesAreReportedWithTheirNumber) {
  const std::string good = Fp(1).Hex() + " verified 2023-11-14T22:13:20Z bob\n";
  const std::vector<std::string> bad = {
      "zz" + Fp(1).Hex().substr(2) + " verified 2023-11-14T22:13:20Z bob\n",
      Fp(1).Hex() + " maybe 2023-11-14T22:13:20Z bob\n",
      Fp(1).Hex() + " verified yesterday bob\n",
      Fp(1).Hex() + " verified 2023-11-14T22:13:20Z\n",
      Fp(1).Hex() + " verified 2023-11-14T22:13:20Z bad%zz\n",
      Fp(2).Hex() + " verified 0226-11-14T22:13:20Z carol\n",  // before 1970 (found by fuzzing)
      Fp(1).Hex() + " verified 2023-11-14T22:13:20Z carol\n",  // a second pin for the same key
  };
  for (const std::string& line : bad) {
    Result<std::vector<Pin>> r = ParsePins("# header\n" + good + line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.error().code, "PINS_DAMAGED");
    EXPECT_EQ(r.error().message,
              "Line 3 of the pinned-peers file is damaged. Fix or remove that line; Duet will not "
              "guess which keys you trusted.");
  }
  EXPECT_TRUE(ParsePins("# header\n\n" + good).ok());
}

TEST_F(PinStoreTest, DamagedFileIsNotSilentlyEmptied) {
  std::ofstream(path()) << "not a pin file\n";
  chmod(path().c_str(), 0600);
  Result<PinStore> r = PinStore::Open(path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PINS_DAMAGED");
}

TEST(SafetyNumber, IsSymmetricStableAndTwelveGroupsOfFive) {
  const std::string ab = SafetyNumber(Fp(1), Fp(2));
  EXPECT_EQ(ab, SafetyNumber(Fp(2), Fp(1)));
  // Pinned value, computed independently from the spec (Python hashlib): the derivation must
  // never change, or every user's safety number would.
  EXPECT_EQ(ab, "08556 52745 62955 94675 40523 97255 16607 90225 87150 83532 58630 19340");
  ASSERT_EQ(ab.size(), 12u * 5 + 11);
  for (size_t i = 0; i < ab.size(); ++i) {
    if (i % 6 == 5) {
      EXPECT_EQ(ab[i], ' ');
    } else {
      EXPECT_TRUE(ab[i] >= '0' && ab[i] <= '9');
    }
  }
  EXPECT_NE(SafetyNumber(Fp(1), Fp(3)), ab);
}

// Two contacts must derive the same room, forever: pinned like the safety number (Python
// hashlib over the spec's bytes), the same both ways round, and another for another pair.
TEST(ContactRoom, IsPinnedSymmetricAndPerPair) {
  EXPECT_EQ(ContactRoom(Fp(1), Fp(9)), "c-b1b7e504f7eed09604eb6597e03bb6d0d15de385");
  EXPECT_EQ(ContactRoom(Fp(9), Fp(1)), ContactRoom(Fp(1), Fp(9)));
  EXPECT_NE(ContactRoom(Fp(1), Fp(8)), ContactRoom(Fp(1), Fp(9)));
  EXPECT_TRUE(wire::relay::IsValidRoomCode(ContactRoom(Fp(1), Fp(9))));
}

}  // namespace
}  // namespace duet::crypto
