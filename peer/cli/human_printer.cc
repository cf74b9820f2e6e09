#include <ctime>

#include "peer/cli/printer.h"

namespace duet::peer::cli {
namespace {

std::string Clock() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
  return buf;
}

std::string Preview(const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  if (first.size() > 40) first = first.substr(0, 37) + "...";
  return first;
}

// Readable, timestamped lines: "[12:00:01] bob: hello".
class HumanPrinter : public Printer {
 public:
  void Identity(const std::string&, const std::string& grouped, bool created,
                const std::string& home) override {
    Line(created ? "Created a new identity in " + home + "." : "Using the identity in " + home + ".");
    Line("Your fingerprint: " + grouped);
  }
  void Queued(const std::string& id, const std::string& text) override {
    std::lock_guard<std::mutex> lock(mu_);
    previews_[id] = Preview(text);
    Print("[" + Clock() + "] me: " + text + "  (pending)");
  }
  void Verify(const PeerInfo* peer) override {
    if (peer == nullptr) return Line("No secure session yet: there is nothing to verify.");
    Line("Compare these with " + peer->name + " (read them aloud, in person or by phone):");
    Line("  short code:     " + peer->sas);
    Line("  safety number:  " + peer->safety_number);
    Line("  their key:      " + peer->fingerprint_grouped);
    Line("  your key:       " + peer->own_fingerprint_grouped);
    Line("If they match, type /trust. If they do not, type /quit: someone may be in between.");
  }
  void Notice(const std::string& text) override { Line(text); }
  void LocalError(const Error& e) override { Line("error " + e.code + ": " + e.message); }
  void Undelivered(const std::vector<std::string>& ids) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : ids) {
      auto it = previews_.find(id);
      Print("NOT delivered: " + (it == previews_.end() ? id : "\"" + it->second + "\""));
    }
  }

  void OnStateChanged(SessionState s) override {
    switch (s) {
      case SessionState::kWaitingForPeer: return Line("Waiting for the other person to join...");
      case SessionState::kHandshaking: return Line("Paired. Securing the connection...");
      case SessionState::kReconnecting: return Line("Reconnecting to the relay...");
      default: return;
    }
  }
  void OnSecure(const PeerInfo& peer) override {
    std::string trust;
    switch (peer.trust) {
      case TrustLevel::kNew: trust = "first contact; type /verify to compare codes"; break;
      case TrustLevel::kKnown: trust = "known key, not yet verified"; break;
      case TrustLevel::kVerified: trust = "verified"; break;
      case TrustLevel::kChanged: trust = "KEY CHANGED"; break;
    }
    Line("Secure session with " + peer.name + " (" + trust + "). Short code: " + peer.sas);
  }
  void OnMessage(const ReceivedMessage& m) override { Line(m.from + ": " + m.text); }
  void OnDelivered(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = previews_.find(std::string(id));
    Print("[" + Clock() + "] delivered: " +
          (it == previews_.end() ? std::string(id) : "\"" + it->second + "\""));
    if (it != previews_.end()) previews_.erase(it);
  }
  void OnPeerLeft() override { Line("The other person left. Waiting for them to come back..."); }
  void OnError(const Error& e, bool fatal) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      RememberFatal(e, fatal);
    }
    Line(std::string(fatal ? "error " : "warning ") + e.code + ": " + e.message);
  }

 private:
  void Line(const std::string& text) {
    std::lock_guard<std::mutex> lock(mu_);
    Print("[" + Clock() + "] " + text);
  }
  void Print(const std::string& line) {  // mu_ held
    std::fputs(line.c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }

  std::map<std::string, std::string> previews_;
};

}  // namespace

std::unique_ptr<Printer> MakeHumanPrinter() { return std::make_unique<HumanPrinter>(); }

}  // namespace duet::peer::cli
