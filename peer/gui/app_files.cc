// `duet` without --cli: files (Attach and drops, the card buttons, the download folder).
#include <FL/Fl_Native_File_Chooser.H>
#include <FL/Fl_Preferences.H>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "peer/gui/app_controller.h"

namespace duet::peer::gui {
namespace {

// The program `name` on $PATH, or "" (looked up before fork: the child only calls execv).
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Runs `xdg-open target` detached (fork twice: no zombie, no shell, the name is one argv entry;
// only async-signal-safe calls between fork and exec).
void XdgOpen(const std::string& target) {
  const std::string program = FindOnPath("xdg-open");
  if (program.empty()) return;
  const char* argv[] = {program.c_str(), target.c_str(), nullptr};
  const pid_t child = fork();
  if (child < 0) return;
  if (child == 0) {
    if (fork() == 0) {
      execv(argv[0], const_cast<char* const*>(argv));
      _exit(127);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
}

std::string DefaultDownloads() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return ".";
  std::error_code ec;
  const std::filesystem::path downloads = std::filesystem::path(home) / "Downloads";
  return std::filesystem::is_directory(downloads, ec) ? downloads.string() : home;
}

}  // namespace

void App::ResolveDownloads() {
  if (const char* env = std::getenv("DUET_DOWNLOADS"); env != nullptr && *env != '\0') {
    downloads_path_ = env;
  } else {
    Fl_Preferences prefs(home_.string().c_str(), "duet", "gui");
    char buf[4096];
    prefs.get("downloads", buf, "", sizeof buf);
    downloads_path_ = *buf != '\0' ? buf : DefaultDownloads();
  }
  connect_->SetDownloads(downloads_path_);
}

void App::OpenDownloads() {
  downloads_.reset();
  if (!part_ledger_) part_ledger_ = OpenPartLedger(home_ / "parts");
  Result<std::unique_ptr<DownloadFolder>> folder =
      OpenDownloadFolder(downloads_path_, *part_ledger_);
  if (!folder) return model_.OnError(folder.error(), false);
  downloads_ = std::move(*folder);
}

void App::ChooseDownloads() {
  std::string path;
  if (const char* test = std::getenv("DUET_TEST_CHOOSE_FOLDER"); test != nullptr && *test) {
    path = test;
  } else {
    Fl_Native_File_Chooser chooser;
    chooser.title("Save received files in");
    chooser.type(Fl_Native_File_Chooser::BROWSE_DIRECTORY);
    chooser.directory(downloads_path_.c_str());
    if (chooser.show() != 0 || chooser.filename() == nullptr) return;  // cancelled
    path = chooser.filename();
  }
  // Checked now, so a folder that cannot be used is said here rather than at the first file.
  if (!part_ledger_) part_ledger_ = OpenPartLedger(home_ / "parts");
  if (Result<std::unique_ptr<DownloadFolder>> folder = OpenDownloadFolder(path, *part_ledger_);
      !folder) {
    connect_->SetError(folder.error().message);
    return Refresh();
  }
  downloads_path_ = path;
  Fl_Preferences prefs(home_.string().c_str(), "duet", "gui");
  prefs.set("downloads", path.c_str());
  prefs.flush();
  connect_->SetError("");
  connect_->SetDownloads(path);
  Refresh();
}

void App::Attach(const std::vector<std::string>& paths) {
  if (!client_) return;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      AttachFolder(path);
    else
      AttachFile(path);
  }
  Refresh();
}

void App::AttachFile(const std::string& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  const size_t card =
      model_.AddOutgoingFile(std::filesystem::path(path).filename().string(), ec ? 0 : size, path);
  // Opening can block (a network folder): off the main thread, then to the I/O thread.
  openers_.emplace_back([this, path, card] {
    auto file = std::make_shared<Result<FileToSend>>(OpenFileToSend(path));
    queue_.Post([this, file, card] {
      if (!*file) {
        model_.FailFile(card, file->error());
        return Refresh();
      }
      if (!client_) {
        model_.FailFile(card,
                        Error{"SESSION_CLOSED", "The session has ended; the file was not sent."});
        return Refresh();
      }
      auto f = std::make_shared<FileToSend>(std::move(**file));
      client_->Post([this, f, card](Session& s) {
        Result<std::string> id = s.SendFile(std::move(f->source), f->name, f->size, f->origin);
        queue_.Post([this, card, id = std::move(id)] { OnQueued(card, id); });
      });
    });
  });
}

void App::AttachFolder(const std::string& path) {
  // Its base name, as the walk names it: "Album", also for a dropped ".../Album/".
  const std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  const std::string name = (p.has_filename() ? p.filename() : p.parent_path().filename()).string();
  const size_t card = model_.AddOutgoingFolder(name, path);
  // The walk reads every folder inside (and can block on a network folder): off the main
  // thread; the model is told on the main thread, the session on the I/O thread.
  openers_.emplace_back([this, path, card] {
    auto folder = std::make_shared<Result<FolderToSend>>(OpenFolderToSend(path));
    queue_.Post([this, folder, card] {
      if (!*folder) {
        model_.FailFile(card, folder->error());
        return Refresh();
      }
      uint64_t size = 0;
      for (const Transfers::FolderEntry& e : (*folder)->entries) size += e.size;
      model_.SetFolderContents(card, (*folder)->entries.size(), size, (*folder)->skipped);
      if (!client_) {
        model_.FailFile(card,
                        Error{"SESSION_CLOSED", "The session has ended; the folder was not sent."});
        return Refresh();
      }
      auto f = std::make_shared<FolderToSend>(std::move(**folder));
      client_->Post([this, f, card](Session& s) {
        Result<std::string> id = s.SendFolder(f->name, std::move(f->entries));
        queue_.Post([this, card, id = std::move(id)] { OnQueued(card, id); });
      });
      Refresh();
    });
  });
}

void App::OnQueued(size_t card, const Result<std::string>& id) {
  if (id)
    model_.AttachFileId(card, *id);
  else
    model_.FailFile(card, id.error());
  Refresh();
}

void App::OnCardAction(size_t index, CardAction action) {
  if (index >= model_.files().size()) return;
  const FileCard& card = model_.files()[index];
  if (action == CardAction::kOpen || action == CardAction::kShowInFolder) {
    if (card.path.empty()) return;
    const std::filesystem::path p(card.path);
    return XdgOpen(action == CardAction::kOpen ? p.string() : p.parent_path().string());
  }
  if (!client_ || card.id.empty()) return;
  const bool cancel = action == CardAction::kCancel;
  if (cancel)
    model_.PressCancel(index);
  else
    model_.AnswerFile(index);
  client_->Post([this, index, action, cancel, id = card.id](Session& s) {
    Status st = action == CardAction::kAccept    ? s.AcceptFile(id)
                : action == CardAction::kDecline ? s.DeclineFile(id)
                                                 : s.CancelFile(id);
    if (!st) {
      // Said in the transcript; the card follows the transfer's own events.
      queue_.Post([this, index, cancel, e = st.error()] {
        if (cancel)
          model_.PressCancel(index, false);
        else
          model_.AnswerFile(index, false);
        model_.OnError(e, false);
        Refresh();
      });
    }
  });
  Refresh();
}

}  // namespace duet::peer::gui
