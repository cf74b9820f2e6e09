#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "peer/cli/printer.h"
#include "peer/core/sanitize.h"
#include "wire/utf8.h"

namespace duet::peer::cli {
namespace {

// /verify's row, aligned with the others: "  key agreement:  X25519MLKEM768 (post-quantum: yes)".
std::string KeyAgreementRow(const PeerInfo& peer) {
  return "  key agreement:  " + peer.key_agreement +
         (peer.post_quantum ? " (post-quantum: yes)" : " (post-quantum: no)");
}

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

// Under "[12:00:01] ": where a text's second and later lines start.
constexpr std::string_view kIndent = "             ";
constexpr int kIndentColumns = static_cast<int>(kIndent.size());

// One printed record, safe for a terminal: sanitised, and every line after its first (its own
// newlines, and on a terminal of `columns` columns the rows it would wrap onto, since a text
// padded to the width would otherwise start a fresh row at column 0) indented.
std::string ForTerminal(std::string_view text, int columns) {
  const std::string clean = SanitizeText(text);
  const bool wrap = columns > kIndentColumns + 10;
  std::string out;
  out.reserve(clean.size());
  int column = 0;
  for (size_t i = 0; i < clean.size();) {
    uint32_t cp = 0;
    const size_t n = std::max<size_t>(1, wire::DecodeUtf8At(clean, i, cp));
    const int width = cp == '\n' ? 0 : TerminalColumns(cp);
    if (cp == '\n' || (wrap && column + width > columns)) {
      out += '\n';
      out += kIndent;
      column = kIndentColumns;
    }
    if (cp != '\n') {
      out.append(clean, i, n);
      column += width;
    }
    i += n;
  }
  return out;
}

// `line` cut to fewer than `columns` columns (the live progress line is redrawn in place, so it
// must stay on one row; a long peer-chosen file name would otherwise wrap to column 0).
std::string FitColumns(std::string_view line, int columns) {
  if (columns <= 0) return std::string(line);
  int column = 0;
  for (size_t i = 0; i < line.size();) {
    uint32_t cp = 0;
    const size_t n = std::max<size_t>(1, wire::DecodeUtf8At(line, i, cp));
    column += TerminalColumns(cp);
    if (column >= columns) return std::string(line.substr(0, i));
    i += n;
  }
  return std::string(line);
}

// The terminal's width, or 0 when `out` is not a terminal.
int TerminalWidth(std::FILE* out) {
  winsize ws{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

// Readable, timestamped lines: "[12:00:01] bob: hello".
class HumanPrinter : public Printer {
 public:
  HumanPrinter(std::FILE* out, int columns)
      : tty_(::isatty(::fileno(out)) == 1), columns_(columns) {
    out_ = out;
  }
  void Identity(const std::string&, const std::string& grouped, bool created,
                const std::string& home) override {
    Line(created ? "Created a new identity in " + home + "."
                 : "Using the identity in " + home + ".");
    Line("Your fingerprint: " + grouped);
  }
  void Code(const std::string& code, const std::string& relay) override {
    Line("Your code: " + code);
    Line("Read it to the other person; on their computer: duet --cli --relay " + relay +
         " --room " + code);
    Line("The words check the other side's key: no need to compare digits. Waiting...");
  }
  void Queued(const std::string& id, const std::string& text) override {
    std::lock_guard<std::mutex> lock(mu_);
    previews_[id] = Preview(text);
    Print("[" + Clock() + "] me: " + text + "  (pending)");
  }
  void Verify(const PeerInfo* peer) override {
    if (peer == nullptr) return Line("No secure session yet: there is nothing to verify.");
    if (peer->code_checked) {
      Line(peer->name +
           "'s key is verified: the code you exchanged checked it. Nothing to "
           "compare; the numbers are here if you want to:");
      Line("  short code:     " + peer->sas);
      Line("  safety number:  " + peer->safety_number);
      Line(KeyAgreementRow(*peer));
      return;
    }
    Line("Compare these with " + peer->name + " (read them aloud, in person or by phone):");
    Line("  short code:     " + peer->sas);
    Line("  safety number:  " + peer->safety_number);
    Line("  their key:      " + peer->fingerprint_grouped);
    Line("  your key:       " + peer->own_fingerprint_grouped);
    Line(KeyAgreementRow(*peer));
    Line("If they match, type /trust. If they do not, type /quit: someone may be in between.");
  }
  void Notice(const std::string& text) override { Line(text); }
  void LocalError(const Error& e) override { Line("error " + e.code + ": " + e.message); }
  void FileQueued(const FileTransfer& f) override {
    Line("me: file " + f.name + " (" + FormatBytes(static_cast<double>(f.size)) + ")  (pending)");
  }
  void FolderQueued(const FolderTransfer& f, const std::vector<std::string>& skipped) override {
    Line("me: folder " + f.name + " (" + Entries(f) + ", " +
         FormatBytes(static_cast<double>(f.size)) + ")  (pending)");
    for (const std::string& s : skipped) Line("  not sent: " + s);
  }
  void Undelivered(const std::vector<std::string>& ids,
                   const std::vector<FileTransfer>& files) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : ids) {
      auto it = previews_.find(id);
      Print("NOT delivered: " + (it == previews_.end() ? id : "\"" + it->second + "\""));
    }
    for (const FileTransfer& f : files) Print("NOT delivered: file " + f.name);
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
      case TrustLevel::kVerified:
        trust = peer.code_checked ? "verified: checked by the code" : "verified";
        break;
      case TrustLevel::kChanged: trust = "KEY CHANGED"; break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      peer_name_ = peer.name;
      RememberShown(peer.fingerprint);
    }
    std::string also;
    if (peer.trust == TrustLevel::kChanged && peer.contact != peer.claimed_name) {
      also = " - a name that looks like your contact " + peer.contact + "'s";
    } else if (!peer.claimed_name.empty() && peer.claimed_name != peer.name) {
      also = " - now calls itself \"" + peer.claimed_name + "\"";
    }
    Line("Secure session with " + peer.name + " (" + trust + ")" + also +
         ". Short code: " + peer.sas);
    Line(KeyAgreementSummary(peer));
  }
  void OnMessage(const ReceivedMessage& m) override {
    Line(m.from + (m.held ? " (sent before you accepted the new key)" : "") + ": " + m.text);
  }
  void OnStalled(int64_t silent_ms) override {
    Line("No answer from the other side for " + std::to_string(silent_ms / 1000) +
         " s. Waiting...");
  }
  void OnLive() override { Line("The other side answers again."); }
  void OnQuarantined(size_t held) override {
    Line("The changed key sent something (" + std::to_string(held) +
         " held unread). /trust to accept the key and read it, /reject to refuse it.");
  }
  void OnDelivered(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = previews_.find(std::string(id));
    Print("[" + Clock() +
          "] delivered: " + (it == previews_.end() ? std::string(id) : "\"" + it->second + "\""));
    if (it != previews_.end()) previews_.erase(it);
  }
  void OnFileOffered(const FileTransfer& f) override {
    std::lock_guard<std::mutex> lock(mu_);
    TrackOffer(f.id, true);
    Print("[" + Clock() + "] " + peer_name_ + " offers " + f.name + " (" +
          FormatBytes(static_cast<double>(f.size)) + ", id " + f.id.substr(0, 8) +
          "). /accept or /decline.");
  }
  void OnFileResumed(const FileTransfer& f, uint64_t offset) override {
    std::lock_guard<std::mutex> lock(mu_);
    Print("[" + Clock() + "] Resuming " + f.name + " from " +
          FormatBytes(static_cast<double>(offset)) + (f.incoming ? " (accepted" : " (queued") +
          " in an earlier run)");
  }
  void OnFileStarted(const FileTransfer& f, uint64_t offset) override {
    std::lock_guard<std::mutex> lock(mu_);
    TrackOffer(f.id, false);
    clock_.Start(f.id, offset);
    std::string what = (f.incoming ? "Receiving " : "Sending ") + f.name;
    if (offset > 0) what += ", resuming at " + FormatBytes(static_cast<double>(offset));
    Print("[" + Clock() + "] " + what + "...");
  }
  void OnFileProgress(const FileTransfer& f, uint64_t done) override {
    std::lock_guard<std::mutex> lock(mu_);
    TransferClock::Figures fig = clock_.Update(f.id, done, f.size);
    const auto now = std::chrono::steady_clock::now();
    if (!tty_ && done != f.size && now - last_progress_line_ < std::chrono::seconds(1)) return;
    last_progress_line_ = now;
    char eta[32] = "--:--";
    if (fig.eta_s >= 0) {
      const long s = static_cast<long>(fig.eta_s + 0.5);
      std::snprintf(eta, sizeof(eta), "%ld:%02ld", s / 60, s % 60);
    }
    std::string line = (f.incoming ? "  <- " : "  -> ") + f.name + "  " +
                       FormatBytes(static_cast<double>(done)) + " / " +
                       FormatBytes(static_cast<double>(f.size)) + "  " + FormatBytes(fig.rate) +
                       "/s  ETA " + eta;
    if (!tty_) return Print(line);
    // One live line, redrawn in place (the only escape sequence printed, and Duet's own).
    const std::string live =
        FitColumns(SanitizeLine(line), columns_ > 0 ? columns_ : TerminalWidth(out_));
    std::fputs(("\r\033[K" + live).c_str(), out_);
    std::fflush(out_);
    progress_open_ = true;
  }
  void OnFileDone(const FileTransfer& f) override {
    std::lock_guard<std::mutex> lock(mu_);
    clock_.End(f.id);
    Print("[" + Clock() + "] " +
          (f.incoming ? "Saved " + f.path + " (SHA-256 checked)" : "Delivered file " + f.name));
  }
  void OnFileFailed(const FileTransfer& f, const Error& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    TrackOffer(f.id, false);
    clock_.End(f.id);
    RememberFailedFile(f);
    Print("[" + Clock() + "] file " + f.name + ": " + e.code + ": " + e.message);
  }
  void OnFolderOffered(const FolderTransfer& f) override {
    std::lock_guard<std::mutex> lock(mu_);
    TrackOffer(f.id, true);
    Print("[" + Clock() + "] " + peer_name_ + " offers the folder " + f.name + " (" + Entries(f) +
          ", " + FormatBytes(static_cast<double>(f.size)) + ", id " + f.id.substr(0, 8) +
          "). /accept or /decline.");
  }
  void OnFolderStarted(const FolderTransfer& f) override {
    std::lock_guard<std::mutex> lock(mu_);
    TrackOffer(f.id, false);
    clock_.Start(f.id, f.bytes_done);
    Print("[" + Clock() + "] Receiving the folder " + f.name + " into " + f.path + "...");
  }
  void OnFolderProgress(const FolderTransfer& f) override {
    std::lock_guard<std::mutex> lock(mu_);
    TransferClock::Figures fig = clock_.Update(f.id, f.bytes_done, f.size);
    const auto now = std::chrono::steady_clock::now();
    const bool last = f.entries_done == f.entries;
    if (!tty_ && !last && now - last_progress_line_ < std::chrono::seconds(1)) return;
    last_progress_line_ = now;
    std::string line = (f.incoming ? "  <- " : "  -> ") + f.name + "/  " +
                       std::to_string(f.entries_done) + " of " + std::to_string(f.entries) +
                       "  " + FormatBytes(static_cast<double>(f.bytes_done)) + " / " +
                       FormatBytes(static_cast<double>(f.size)) + "  " + FormatBytes(fig.rate) +
                       "/s" + (f.current.empty() || last ? "" : "  " + f.current);
    if (!tty_) return Print(line);
    const std::string live =
        FitColumns(SanitizeLine(line), columns_ > 0 ? columns_ : TerminalWidth(out_));
    std::fputs(("\r\033[K" + live).c_str(), out_);
    std::fflush(out_);
    progress_open_ = true;
  }
  void OnFolderDone(const FolderTransfer& f) override {
    std::lock_guard<std::mutex> lock(mu_);
    clock_.End(f.id);
    const std::string failed =
        f.failed == 0 ? "" : "; " + std::to_string(f.failed) + " of them failed (see above)";
    Print("[" + Clock() + "] " +
          (f.incoming ? "Saved the folder " + f.path + " (" + Entries(f) + ", each SHA-256 checked" +
                            failed + ")"
                      : "Delivered the folder " + f.name + " (" + Entries(f) + failed + ")"));
  }
  void OnFolderFailed(const FolderTransfer& f, const Error& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    TrackOffer(f.id, false);
    clock_.End(f.id);
    Print("[" + Clock() + "] folder " + f.name + ": " + e.code + ": " + e.message);
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
  static std::string Entries(const FolderTransfer& f) {
    return std::to_string(f.entries) + (f.entries == 1 ? " entry" : " entries");
  }
  void Line(const std::string& text) {
    std::lock_guard<std::mutex> lock(mu_);
    Print("[" + Clock() + "] " + text);
  }
  void Print(const std::string& line) {                // mu_ held
    if (progress_open_) std::fputs("\r\033[K", out_);  // the live line gives way
    progress_open_ = false;
    std::fputs(ForTerminal(line, columns_ > 0 ? columns_ : TerminalWidth(out_)).c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }

  std::map<std::string, std::string> previews_;
  TransferClock clock_;
  std::string peer_name_ = "The peer";
  const bool tty_;     // `out` is a terminal: one live progress line
  const int columns_;  // wrap at this width; 0: the terminal's (none when not a terminal)
  bool progress_open_ = false;
  std::chrono::steady_clock::time_point last_progress_line_;
};

}  // namespace

std::unique_ptr<Printer> MakeHumanPrinter(std::FILE* out, int columns) {
  return std::make_unique<HumanPrinter>(out, columns);
}

}  // namespace duet::peer::cli
