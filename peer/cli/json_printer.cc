#include <nlohmann/json.hpp>

#include "peer/cli/printer.h"

namespace duet::peer::cli {
namespace {

using nlohmann::json;

// One JSON object per line on stdout (DESIGN.md section 5).
class JsonPrinter : public Printer {
 public:
  void Identity(const std::string& hex, const std::string&, bool created,
                const std::string&) override {
    Emit({{"event", "identity"}, {"fingerprint", hex}, {"created", created}});
  }
  void Code(const std::string& code, const std::string&) override {
    Emit({{"event", "code"}, {"code", code}});
  }
  void Queued(const std::string& id, const std::string&) override {
    Emit({{"event", "queued"}, {"id", id}});
  }
  void Verify(const PeerInfo* peer) override {
    if (peer == nullptr) {
      return LocalError(Error{"NOT_SECURE", "There is no secure session to verify yet."});
    }
    Emit({{"event", "verify"},
          {"peer", peer->name},
          {"sas", peer->sas},
          {"safety_number", peer->safety_number},
          {"fingerprint", peer->fingerprint}});
  }
  void Notice(const std::string& text) override { Emit({{"event", "notice"}, {"text", text}}); }
  void LocalError(const Error& e) override {
    Emit({{"event", "error"}, {"code", e.code}, {"message", e.message}, {"fatal", false}});
  }
  void FileQueued(const FileTransfer& f) override {
    Emit({{"event", "file_queued"}, {"id", f.id}, {"name", f.name}, {"bytes", f.size}});
  }
  void FolderQueued(const FolderTransfer& f, const std::vector<std::string>& skipped) override {
    Emit({{"event", "folder_queued"},
          {"id", f.id},
          {"name", f.name},
          {"entries", f.entries},
          {"bytes", f.size},
          {"skipped", skipped}});
  }
  void Undelivered(const std::vector<std::string>& ids,
                   const std::vector<FileTransfer>& files) override {
    json names = json::array();
    for (const FileTransfer& f : files) names.push_back(f.name);
    Emit({{"event", "undelivered"}, {"ids", ids}, {"files", names}});
  }

  void OnStateChanged(SessionState s) override {
    switch (s) {
      case SessionState::kWaitingForPeer: return Emit({{"event", "waiting"}});
      case SessionState::kHandshaking: return Emit({{"event", "paired"}});
      case SessionState::kReconnecting: return Emit({{"event", "reconnecting"}});
      case SessionState::kClosed: return Emit({{"event", "closed"}});
      default: return;
    }
  }
  void OnSecure(const PeerInfo& p) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      RememberShown(p.fingerprint);
    }
    Emit({{"event", "secure"},
          {"peer", p.name},
          {"claimed_name", p.claimed_name},
          {"contact", p.contact.empty() ? json(nullptr) : json(p.contact)},
          {"fingerprint", p.fingerprint},
          {"sas", p.sas},
          {"safety_number", p.safety_number},
          {"trust", std::string(TrustName(p.trust))},
          {"code_checked", p.code_checked},
          {"key_agreement", p.key_agreement},
          {"post_quantum", p.post_quantum}});
  }
  void OnMessage(const ReceivedMessage& m) override {
    Emit({{"event", "message"},
          {"id", m.id},
          {"from", m.from},
          {"text", m.text},
          {"timestamp_ms", m.timestamp_ms},
          {"trust", std::string(TrustName(m.trust))},
          {"held", m.held}});
  }
  void OnDelivered(std::string_view id) override {
    Emit({{"event", "delivered"}, {"id", std::string(id)}});
  }
  void OnFileOffered(const FileTransfer& f) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      TrackOffer(f.id, true);
    }
    Emit({{"event", "file_offer"}, {"id", f.id}, {"name", f.name}, {"bytes", f.size}});
  }
  void OnFileResumed(const FileTransfer& f, uint64_t offset) override {
    Emit({{"event", "file_resumed"},
          {"id", f.id},
          {"direction", Direction(f)},
          {"name", f.name},
          {"offset", offset},
          {"bytes", f.size}});
  }
  void OnFileStarted(const FileTransfer& f, uint64_t offset) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      TrackOffer(f.id, false);
      clock_.Start(f.id, offset);
    }
    Emit({{"event", "file_started"},
          {"id", f.id},
          {"direction", Direction(f)},
          {"name", f.name},
          {"offset", offset},
          {"bytes", f.size}});
  }
  void OnFileProgress(const FileTransfer& f, uint64_t done) override {
    TransferClock::Figures fig;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fig = clock_.Update(f.id, done, f.size);
    }
    Emit({{"event", "progress"},
          {"id", f.id},
          {"direction", Direction(f)},
          {"name", f.name},
          {"bytes", done},
          {"total", f.size},
          {"rate", static_cast<uint64_t>(fig.rate)},
          {"eta_s", fig.eta_s < 0 ? json(nullptr) : json(static_cast<int64_t>(fig.eta_s + 0.5))}});
  }
  void OnFileDone(const FileTransfer& f) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      clock_.End(f.id);
    }
    if (f.incoming) {
      return Emit({{"event", "file"},
                   {"id", f.id},
                   {"name", f.name},
                   {"path", f.path},
                   {"bytes", f.size},
                   {"sha256", f.sha256}});
    }
    Emit({{"event", "file_sent"},
          {"id", f.id},
          {"name", f.name},
          {"bytes", f.size},
          {"sha256", f.sha256}});
  }
  void OnFileFailed(const FileTransfer& f, const Error& e) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      TrackOffer(f.id, false);
      clock_.End(f.id);
      RememberFailedFile(f);
    }
    Emit({{"event", "file_failed"},
          {"id", f.id},
          {"direction", Direction(f)},
          {"name", f.name},
          {"code", e.code},
          {"message", e.message}});
  }
  void OnFolderOffered(const FolderTransfer& f) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      TrackOffer(f.id, true);
    }
    Emit({{"event", "folder_offer"},
          {"id", f.id},
          {"name", f.name},
          {"entries", f.entries},
          {"bytes", f.size}});
  }
  void OnFolderStarted(const FolderTransfer& f) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      TrackOffer(f.id, false);
    }
    Emit({{"event", "folder_started"}, {"id", f.id}, {"name", f.name}, {"path", f.path}});
  }
  void OnFolderProgress(const FolderTransfer& f) override {
    Emit({{"event", "folder_progress"},
          {"id", f.id},
          {"direction", f.incoming ? "in" : "out"},
          {"entries_done", f.entries_done},
          {"entries", f.entries},
          {"failed", f.failed},
          {"done", f.bytes_done},
          {"bytes", f.size}});
  }
  void OnFolderDone(const FolderTransfer& f) override {
    Emit({{"event", f.incoming ? "folder" : "folder_sent"},
          {"id", f.id},
          {"name", f.name},
          {"path", f.path},
          {"entries", f.entries},
          {"failed", f.failed},
          {"bytes", f.size}});
  }
  void OnFolderFailed(const FolderTransfer& f, const Error& e) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      TrackOffer(f.id, false);
    }
    Emit({{"event", "folder_failed"},
          {"id", f.id},
          {"direction", f.incoming ? "in" : "out"},
          {"name", f.name},
          {"code", e.code},
          {"message", e.message}});
  }
  void OnPeerLeft() override { Emit({{"event", "peer_left"}}); }
  void OnStalled(int64_t silent_ms) override {
    Emit({{"event", "stalled"}, {"silent_s", silent_ms / 1000}});
  }
  void OnLive() override { Emit({{"event", "live"}}); }
  void OnQuarantined(size_t held) override { Emit({{"event", "quarantined"}, {"held", held}}); }
  void OnError(const Error& e, bool fatal) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      RememberFatal(e, fatal);
    }
    Emit({{"event", "error"}, {"code", e.code}, {"message", e.message}, {"fatal", fatal}});
  }
  // A script sees every try, without the sentence again: the code and how many repeats.
  void OnErrorRepeated(const Error& e, int times) override {
    Emit({{"event", "error_repeated"}, {"code", e.code}, {"times", times}});
  }

 private:
  static const char* Direction(const FileTransfer& f) { return f.incoming ? "in" : "out"; }

  TransferClock clock_;

  void Emit(const json& j) {
    // Invalid UTF-8 cannot reach here (the session sanitizes), but never throw on output.
    std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace);
    std::lock_guard<std::mutex> lock(mu_);
    std::fputs(line.c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }
};

}  // namespace

std::unique_ptr<Printer> MakeJsonPrinter() { return std::make_unique<JsonPrinter>(); }

}  // namespace duet::peer::cli
