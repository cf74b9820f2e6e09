// What the desktop app shows, as plain data: the screen, the connection, the peer and the
// transcript. Pure (no FLTK, no threads), so the view logic is tested without a display.
//
// Threading: one thread (FLTK's main thread) owns a ChatModel. Session events reach it through
// GuiListener, which hands them over with the UI queue.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "peer/core/listener.h"
#include "peer/gui/file_card.h"

namespace duet::peer::gui {

enum class Screen { kSetup, kConnect, kChat };

struct TranscriptLine {
  enum class Kind { kOwn, kPeer, kSystem, kWarning, kFile };
  Kind kind = Kind::kSystem;
  std::string text;
  int64_t time_ms = 0;
  std::string id;          // message id (own lines: empty until the session accepted it)
  bool delivered = false;  // own lines: the peer's receipt arrived
  bool failed = false;     // own lines: the session refused it (text says why)
  size_t card = 0;         // kFile: index into ChatModel::files()
};

class ChatModel {
 public:
  // `now_ms`: the wall clock (ms since the Unix epoch), for the times shown beside lines.
  explicit ChatModel(std::function<int64_t()> now_ms) : now_ms_(std::move(now_ms)) {}

  // --- session events (through GuiListener) ---
  void OnStateChanged(SessionState state);
  void OnSecure(const PeerInfo& peer);
  void OnMessage(const ReceivedMessage& message);
  void OnDelivered(const std::string& id);
  void OnPeerLeft();
  void OnError(const Error& error, bool fatal);
  void OnStalled(int64_t silent_ms);
  void OnLive();
  void OnQuarantined(size_t held);

  // --- the user ---
  // A new session starts (Connect pressed): the transcript of the last one is kept, state reset.
  void BeginSession(const std::string& room);
  // The user sent `text`; returns the line's index, to attach the id or a failure later.
  size_t AddOwn(const std::string& text);
  void AttachId(size_t index, const std::string& id);
  void MarkFailed(size_t index, const Error& error);
  void AddSystem(const std::string& text);

  // --- files (chat_model_files.cc) ---
  void OnFileOffered(const FileTransfer& file);
  // A transfer from an earlier run continues: it gets its card here (there was no offer, or no
  // file picked, in this run).
  void OnFileResumed(const FileTransfer& file, uint64_t offset);
  void OnFileStarted(const FileTransfer& file, uint64_t offset);
  void OnFileProgress(const FileTransfer& file, uint64_t done);
  void OnFileDone(const FileTransfer& file);
  // A file inside a folder (`file.folder` set) gets no card of its own: it counts on the
  // folder's.
  void OnFileFailed(const FileTransfer& file, const Error& error);
  // --- folders sent whole: one card each, counted in files and bytes ---
  void OnFolderOffered(const FolderTransfer& folder);
  void OnFolderStarted(const FolderTransfer& folder);
  void OnFolderProgress(const FolderTransfer& folder);
  void OnFolderDone(const FolderTransfer& folder);
  void OnFolderFailed(const FolderTransfer& folder, const Error& error);
  // The user picked or dropped a file: a card in kPreparing; returns the card's index.
  size_t AddOutgoingFile(const std::string& name, uint64_t size, const std::string& path);
  // The user picked or dropped a folder: a folder card in kPreparing while it is read (its
  // files and size are not known yet); returns the card's index.
  size_t AddOutgoingFolder(const std::string& name, const std::string& path);
  // The folder on `card` was read: what goes, and what does not (`skipped`: "PATH: why"; said
  // once in the transcript).
  void SetFolderContents(size_t card, uint64_t entries, uint64_t size,
                         const std::vector<std::string>& skipped);
  // The session queued it (offered now or when secure); a folder's id too.
  void AttachFileId(size_t card, const std::string& id);
  // Accept or Decline was pressed: the buttons go until the session answers (one press only);
  // `answered` false brings them back (the session refused the answer).
  void AnswerFile(size_t card, bool answered = true);
  // Cancel was pressed (`pressed` false: the session refused it), so the FILE_CANCELLED that
  // follows reads as our choice, not the peer's.
  void PressCancel(size_t card, bool pressed = true);
  // It could not be sent (unreadable, too big, the session refused it), or a user command on a
  // transfer failed.
  void FailFile(size_t card, const Error& error);
  // The incoming offers waiting for Accept or Decline (CanAccept), as card indices in order.
  std::vector<size_t> WaitingOffers() const;
  // The card of transfer `id`, or nullptr.
  const FileCard* FindFile(const std::string& id) const;
  std::optional<size_t> FileIndex(const std::string& id) const;
  const std::vector<FileCard>& files() const { return files_; }

  SessionState state() const { return state_; }
  // Nothing has come from the other side for a while although we wait for its answer.
  bool stalled() const { return stalled_; }
  // What the changed key sent, held unread (0 when none or no key change).
  size_t held() const { return held_; }
  bool has_peer() const { return has_peer_; }
  const PeerInfo& peer() const { return peer_; }
  const std::vector<TranscriptLine>& transcript() const { return transcript_; }
  // The session ended for good (quit, fatal error, codes did not match).
  bool ended() const { return state_ == SessionState::kClosed; }
  const std::string& end_reason() const { return end_reason_; }
  const std::string& end_code() const { return end_code_; }
  // The peer's key changed and the user has not accepted it: sending is blocked.
  bool key_change_pending() const { return has_peer_ && peer_.trust == TrustLevel::kChanged; }
  bool can_send() const { return !ended() && !key_change_pending(); }
  // Bumped on every change, so the window redraws only what moved.
  uint64_t version() const { return version_; }
  int64_t now_ms() const { return now_ms_(); }

  // For people: "waiting for peer", "securing", "secure", "no answer from the other side",
  // "peer left", "reconnecting", ...
  std::string StateLabel() const;
  // "new", "verified", "KEY CHANGED" (known keys show as "known").
  std::string TrustLabel() const;
  // The header's badge: TrustLabel, or "verified by code" for a key the code checked.
  std::string BadgeLabel() const;
  // The trust in a sentence ("Verified — checked by the code you exchanged"), or "" with no peer.
  std::string TrustDetail() const;
  // The peer's key was checked by the code both typed (no digits to compare).
  bool checked_by_code() const {
    return has_peer_ && peer_.code_checked && peer_.trust == TrustLevel::kVerified;
  }
  // "Duet — bob · secure"
  std::string Title() const;

 private:
  void Add(TranscriptLine line);
  void Changed() { ++version_; }
  FileCard* Card(const FileTransfer& file);
  // The card of `file`; for a transfer from an earlier run, a new one.
  FileCard* CardOrRestored(const FileTransfer& file);
  // The card of `folder`, or a new one when it has none (an offer; or a folder from an earlier
  // run); updated with the counts the event carries.
  FileCard& FolderCard(const FolderTransfer& folder);
  // A file inside a folder failed: counted (and named) on the folder's card.
  void OnFolderFileFailed(const FileTransfer& file);
  // The transfer on card `c` ended without the file: failed, declined or cancelled (by
  // `error.code`), and by whom.
  void Stop(FileCard& c, const Error& error);
  // The session ended: a card still under way never completes (never shown as success).
  void FailUnfinishedFiles();

  SessionState state_ = SessionState::kConnecting;
  bool has_peer_ = false;
  bool stalled_ = false;
  size_t held_ = 0;
  bool held_heading_ = false;  // the last line shown was a held message under its heading
  PeerInfo peer_;
  std::vector<TranscriptLine> transcript_;
  std::vector<FileCard> files_;
  std::string end_reason_;
  std::string end_code_;
  std::function<int64_t()> now_ms_;
  uint64_t version_ = 0;
};

}  // namespace duet::peer::gui
