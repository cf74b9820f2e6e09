// The terminal front end's two SessionListeners: readable lines for people, and one JSON object
// per line (--json) for scripts (the events of DESIGN.md section 5).
//
// Thread-safe: the session calls them on the I/O thread while the stdin thread prints command
// output through Notice()/Error(); one mutex serialises every line.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "peer/cli/transfer_clock.h"
#include "peer/core/listener.h"

namespace duet::peer::cli {

class Printer : public SessionListener {
 public:
  // Output the stdin thread produces.
  virtual void Identity(const std::string& fingerprint_hex, const std::string& grouped,
                        bool created, const std::string& home) = 0;
  // A room code Duet made (no --room or --to): for the user to read out to the other person.
  virtual void Code(const std::string& code, const std::string& relay) = 0;
  virtual void Queued(const std::string& id, const std::string& text) = 0;
  virtual void Verify(const PeerInfo* peer) = 0;
  virtual void Notice(const std::string& text) = 0;
  // A local error (a bad command, a refused send): not a session event.
  virtual void LocalError(const Error& e) = 0;
  virtual void FileQueued(const FileTransfer& file) = 0;
  // A folder queued to go whole (`skipped`: what in it is not sent, and why).
  virtual void FolderQueued(const FolderTransfer& folder,
                            const std::vector<std::string>& skipped) = 0;
  // At exit: messages without a receipt and files the peer did not save.
  virtual void Undelivered(const std::vector<std::string>& ids,
                           const std::vector<FileTransfer>& files) = 0;

  // Ids of the offers that wait for /accept or /decline, oldest first.
  std::vector<std::string> waiting_offers() const {
    std::lock_guard<std::mutex> lock(mu_);
    return offers_;
  }

  // The first fatal error the session reported, if any (read after the session ended).
  std::string fatal_code() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fatal_code_;
  }

  // The fingerprint of the last secure session printed (what /trust refers to).
  std::string shown_fingerprint() const {
    std::lock_guard<std::mutex> lock(mu_);
    return shown_fingerprint_;
  }

  // Outgoing files that ended without being saved by the peer (declined, cancelled, failed).
  std::vector<FileTransfer> failed_files() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_files_;
  }

 protected:
  void RememberFatal(const Error& e, bool fatal) {
    if (fatal && fatal_code_.empty()) fatal_code_ = e.code;
  }
  // mu_ held: the session with this key was printed.
  void RememberShown(const std::string& fingerprint) { shown_fingerprint_ = fingerprint; }
  // mu_ held: an outgoing file ended without being saved.
  void RememberFailedFile(const FileTransfer& f) {
    if (!f.incoming) failed_files_.push_back(f);
  }
  // mu_ held: an offer starts or stops waiting for the user.
  void TrackOffer(const std::string& id, bool waiting) {
    std::erase(offers_, id);
    if (waiting) offers_.push_back(id);
  }
  mutable std::mutex mu_;
  std::FILE* out_ = stdout;

 private:
  std::string fatal_code_;
  std::string shown_fingerprint_;
  std::vector<std::string> offers_;
  std::vector<FileTransfer> failed_files_;
};

// `out`: where the lines go (stdout; a temporary file in tests). Every line it prints passes
// through one sanitiser: no escape sequence or control character reaches the terminal, whoever
// wrote the text (the peer, the relay, or the user's own file names), and the continuation lines
// of a multi-line text, and the rows a long one wraps onto on a terminal, are indented under the
// line they belong to, so none can pass for a line of Duet's own ("[12:00:01] ..."). `columns`:
// the width to wrap at; 0 asks the terminal (no wrapping when `out` is not one).
std::unique_ptr<Printer> MakeHumanPrinter(std::FILE* out = stdout, int columns = 0);
std::unique_ptr<Printer> MakeJsonPrinter();

}  // namespace duet::peer::cli
