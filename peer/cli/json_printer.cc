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
  void Undelivered(const std::vector<std::string>& ids) override {
    Emit({{"event", "undelivered"}, {"ids", ids}});
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
    Emit({{"event", "secure"},
          {"peer", p.name},
          {"fingerprint", p.fingerprint},
          {"sas", p.sas},
          {"safety_number", p.safety_number},
          {"trust", std::string(TrustName(p.trust))}});
  }
  void OnMessage(const ReceivedMessage& m) override {
    Emit({{"event", "message"},
          {"id", m.id},
          {"from", m.from},
          {"text", m.text},
          {"timestamp_ms", m.timestamp_ms}});
  }
  void OnDelivered(std::string_view id) override {
    Emit({{"event", "delivered"}, {"id", std::string(id)}});
  }
  void OnPeerLeft() override { Emit({{"event", "peer_left"}}); }
  void OnError(const Error& e, bool fatal) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      RememberFatal(e, fatal);
    }
    Emit({{"event", "error"}, {"code", e.code}, {"message", e.message}, {"fatal", fatal}});
  }

 private:
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
