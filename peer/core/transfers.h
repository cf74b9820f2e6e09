// File transfers (wire/PROTOCOL.md, "File transfer"): the queue of files going out, the files
// coming in, the flow-control window and the integrity check. Owned by the Session, which feeds
// it the peer's FILE_* frames and asks it for chunks when the transport has room.
//
// Sans I/O: disk access comes through FileSource / DownloadFolder (peer/core/file_io.h) and time
// through `now_ms`. Frames to send are appended, as plaintext application frames, to the buffer
// a call is given; the Session encrypts them. Nothing here calls back into the Session.
//
// Transfers outlive TLS sessions: when a session ends, outgoing files are offered again (same
// transfer id) in the next one and incoming ones wait for that offer, then resume from the
// verified length of NAME.part. With a SendQueueStore they outlive the process too
// (peer/core/send_queue.h): queued files are remembered and offered again after a restart, and
// an offer matching a part the user accepted in an earlier run is taken without asking.
//
// Not thread-safe; the Session's thread drives it. The listener and folder must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "peer/core/file_io.h"
#include "peer/core/listener.h"
#include "peer/core/send_queue.h"
#include "wire/app_protocol.h"

namespace duet::peer {

// What --accept-files takes without asking (offers above either are declined with
// FILE_OVER_LIMIT; an offer the user accepts by hand is not limited by them).
struct AcceptLimits {
  static constexpr uint64_t kDefaultMaxFileBytes = 4ull << 30;    // 4 GiB
  static constexpr uint64_t kDefaultMaxTotalBytes = 16ull << 30;  // 16 GiB
  uint64_t max_file_bytes = kDefaultMaxFileBytes;                 // one file
  uint64_t max_total_bytes = kDefaultMaxTotalBytes;  // all files accepted without asking, per run
};

struct TransferConfig {
  DownloadFolder* downloads = nullptr;                  // null: offers can only be declined
  bool auto_accept = false;                             // accept every offer into `downloads`
  uint64_t window_bytes = wire::app::kFileWindowBytes;  // unacknowledged bytes in flight
  uint64_t ack_bytes = wire::app::kFileAckBytes;        // acknowledge at least this often
  int64_t progress_interval_ms = 250;
  std::function<int64_t()> now_ms;
  SendQueueStore* queue = nullptr;  // null: the queue is forgotten at exit
  AcceptLimits limits;              // with auto_accept
  // The queue store is written at most this often (each write is the whole queue, synced to
  // disk): a folder of thousands of files changes it thousands of times. What is left is
  // written by OnTick and when the Transfers end. 0: at every change.
  int64_t queue_save_interval_ms = 1000;
};

class Transfers {
 public:
  Transfers(TransferConfig config, SessionListener& listener);
  ~Transfers();

  // --- the user ---
  // Queues a file under a new random id; it is offered now if `secure`, else in the next secure
  // session. Nothing is read yet: the file is hashed as its chunks are read. A file with an
  // `origin` on disk is remembered in the queue store until it ends (a restart resumes it), and
  // queued once: the same path again while it waits is FILE_ALREADY_QUEUED. FILE_NAME_BAD.
  Result<std::string> Send(std::unique_ptr<FileSource> source, std::string name, uint64_t size,
                           bool secure, wire::Bytes& out, FileOrigin origin = {});
  // Queues a folder sent whole (PROTOCOL.md 4.2): `entries` are its files and empty folders,
  // each with its path in the folder (wire::app::IsValidFolderPath), offered as one under the
  // folder id returned. Its files are not remembered across a restart of this program.
  // FILE_NAME_BAD, FOLDER_EMPTY, FOLDER_TOO_LARGE.
  struct FolderEntry {
    std::unique_ptr<FileSource> source;  // null for an empty folder
    std::string path;                    // "a/b.txt", "empty/"
    uint64_t size = 0;
  };
  Result<std::string> SendFolder(std::string name, std::vector<FolderEntry> entries, bool secure,
                                 wire::Bytes& out);
  // A file's or a folder's id. FILE_UNKNOWN (no offer with that id waits), NO_DOWNLOAD_FOLDER,
  // FILE_WRITE_FAILED.
  Status Accept(std::string_view id_hex, bool secure, wire::Bytes& out);
  Status Decline(std::string_view id_hex, bool secure, wire::Bytes& out);
  // Either side, any time before the end. FILE_UNKNOWN.
  Status Cancel(std::string_view id_hex, bool secure, wire::Bytes& out);

  // --- the session ---
  // Once, before the first session: takes back the files the queue store remembers. Files that
  // changed or vanished since are dropped (OnFileFailed, QUEUED_FILE_CHANGED or
  // QUEUED_FILE_MISSING); a store that cannot be read is reported with OnError.
  void Restore();
  // A secure session with the peer `peer_fingerprint` began (and sending is allowed): offer what
  // is queued for that peer, or for no peer yet (such files are then meant for this one).
  // `folders`: the peer takes folders sent whole (HELLO capability bit 2); if not, a folder
  // queued for it fails (FOLDER_NOT_SUPPORTED).
  void OnSecure(const std::string& peer_fingerprint, bool folders, wire::Bytes& out);
  // The TLS session ended: everything in flight waits for the next one.
  void OnSessionEnded();
  // About once a second: writes the queue store if a change waits.
  void OnTick();
  // A FILE_* frame from the peer. An error is a protocol violation (the session ends).
  // `trusted`: the peer's key is not a changed one, so an offer may be accepted automatically.
  Status Handle(const wire::app::AppMessage& msg, bool trusted, wire::Bytes& out);
  Status HandleChunk(const wire::app::FileChunkView& chunk, wire::Bytes& out);
  // Appends chunks (and FILE_DONE) of the transfer at the head of the queue, up to about
  // `budget` bytes and never beyond the window. A transfer resumed at an offset it has not
  // hashed up to yet first hashes up to `budget` bytes of what the receiver holds, and may
  // append nothing: call again while has_bulk().
  void FillBulk(size_t budget, wire::Bytes& out);
  // Whether FillBulk has work now (chunks to send, or bytes to hash before them).
  bool has_bulk() const;

  // Outgoing files not yet confirmed saved that the peer of the current (else the last) secure
  // session may take: those meant for it or for no peer yet. Before any secure session, all.
  size_t outgoing_count() const;
  std::vector<FileTransfer> outgoing() const;
  // Files remembered for another peer than that one: they wait, on disk, for their own peer.
  size_t kept_for_other_peers() const { return outgoing_.size() - outgoing_count(); }
  // Incoming files being received.
  size_t receiving_count() const;

 private:
  struct Outgoing;
  struct Incoming;
  struct Folder;

  Outgoing* FindOutgoing(const wire::app::Id& id);
  Incoming* FindIncoming(const wire::app::Id& id);
  void Offer(Outgoing& o, wire::Bytes& out);
  Status OnAccept(const wire::app::FileAccept& m);
  Status OnAck(const wire::app::FileAck& m);
  void OnResult(const wire::app::FileResult& m);
  Status OnOffer(const wire::app::FileOffer& m, bool trusted, wire::Bytes& out);
  // An offer of a file (or, with `folder`, of an entry of that folder).
  Status TakeOffer(const wire::app::Id& id, uint64_t size, std::string safe_name, Folder* folder,
                   bool trusted, wire::Bytes& out);
  Status StartReceiving(Incoming& in, wire::Bytes& out);
  // --accept-files: starts `in`, or declines it (FILE_OVER_LIMIT) when it is above a limit.
  Status AcceptAutomatically(Incoming& in, wire::Bytes& out);
  // The part of `in` opened (or reopened) and its held bytes hashed again.
  // Without `create`, only a part there is already (this run's, or one adopted from an earlier
  // run); a new one is created by the first chunk.
  Status OpenPart(Incoming& in, bool create);
  // Ends `in` because it does not fit (FILE_NO_SPACE): answers FILE_RESULT 3 and keeps what the
  // part holds, so the transfer resumes when offered again once there is room.
  void NoSpace(Incoming& in, uint64_t needed, wire::Bytes& out);
  // Marks `in`'s part in use (open). At most kMaxOpenParts parts are open at once: the least
  // recently written other one is closed (it opens again when its next chunk comes), so a peer
  // offering many files at once makes the receiver hold a few file descriptors, not one each.
  void UsePart(Incoming& in);
  Status OnDone(const wire::app::FileDone& m, wire::Bytes& out);
  // Reads `dst.size()` bytes of `o` at `offset`. FILE_READ_FAILED (or the source's error) when
  // the file cannot be read or became shorter.
  Status ReadToSend(const Outgoing& o, uint64_t offset, std::span<uint8_t> dst);
  // Ends `o`, whose file could not be read or changed: FILE_CANCEL to the peer, `error` to the
  // user.
  void CancelUnreadable(const Outgoing& o, const Error& error, wire::Bytes& out);
  // Hashes up to `budget` bytes of what the receiver already holds of `o` (a resume).
  void CatchUp(Outgoing& o, size_t budget, wire::Bytes& out);
  void OnPeerEnded(const wire::app::Id& id, const Error& error);
  void FinishOutgoing(const wire::app::Id& id, const Error* error);
  void FinishIncoming(const wire::app::Id& id, const Error* error);
  // The end of a transfer, to the listener: done, or failed with `error`.
  void Report(const FileTransfer& info, const Error* error);
  void Progress(const FileTransfer& f, uint64_t done, int64_t& last_ms);
  // A file the peer had no room for (it keeps the part): its id, for when it is sent again.
  void RememberKept(const Outgoing& o);
  std::optional<wire::app::Id> TakeKeptId(uint64_t size, const FileOrigin& origin);
  // The outgoing files that have an origin changed: writes them to the queue store, or notes
  // that OnTick has to (queue_save_interval_ms). `burst`: one of many changes in a row (a file
  // queued), written at most once per interval even when no file is under way.
  void SaveQueue(bool burst = false);
  // Writes them now; `report` says a failure to the listener.
  void WriteQueue(bool report);
  // Offers queued files for the current peer while fewer than kMaxOffered are under way.
  void OfferMore(wire::Bytes& out);
  // Whether `o` may go to the peer of the current (else the last) secure session.
  bool ForLastPeer(const Outgoing& o) const;
  // Whether `o` is written to the queue store (a file on disk, not part of a folder).
  static bool Remembered(const Outgoing& o);

  // --- folders (transfer_folder.cc) ---
  Folder* FindFolder(std::list<Folder>& list, const wire::app::Id& id);
  // The folder of a file of one (incoming or outgoing), or null.
  Folder* FolderOf(const std::optional<wire::app::Id>& id, bool incoming);
  Status OnFolderOffer(const wire::app::FolderOffer& m, bool trusted, wire::Bytes& out);
  Status OnFolderFile(const wire::app::FolderFile& m, bool trusted, wire::Bytes& out);
  void OnFolderEnd(const wire::app::FolderEnd& m);
  // The user's or --accept-files' yes: the folder is created (or found again) and its files
  // waiting start.
  Status AcceptFolder(Folder& f, bool secure, wire::Bytes& out);
  // Ends a folder either way, with every file of it still there; FOLDER_END `status` to the
  // peer when `tell`. `error` null: complete.
  void EndFolder(Folder& f, bool incoming, const Error* error, wire::app::FolderStatus status,
                 bool tell, wire::Bytes& out);
  // A file of a folder ended: the folder's counts move; its FOLDER_END goes once all did.
  void FolderFileEnded(const FileTransfer& info, bool incoming, const Error* error);
  void FolderProgress(Folder& f, bool force);
  // FOLDER_END for the outgoing folders whose every file got its answer.
  void SendFolderEnds(wire::Bytes& out);
  // The download folder a file is saved in: its folder's, or the download folder.
  DownloadFolder& SaveFolder(const Incoming& in);

  TransferConfig config_;
  SessionListener& listener_;
  std::list<Outgoing> outgoing_;  // the queue: chunks flow for the first accepted one
  std::list<Incoming> incoming_;
  std::list<Folder> folders_out_;  // folders being sent, until FOLDER_END
  std::list<Folder> folders_in_;   // folders offered or being received, until FOLDER_END
  std::set<wire::app::Id> folders_ended_;  // incoming folders ended: their late files are ignored
  bool peer_takes_folders_ = false;
  std::set<wire::app::Id> refused_;  // declined or cancelled offline: declined when re-offered
  std::vector<uint8_t> scratch_;     // FillBulk's reads of bytes hashed but not sent (a resume)
  struct Kept {
    std::string path;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    wire::app::Id id{};
  };
  static constexpr size_t kMaxKept = 1000;
  std::vector<Kept> kept_;  // ids of files whose part the peer kept (FILE_RESULT 3), this run
  static constexpr size_t kMaxOpenParts = 4;
  static constexpr size_t kCatchUpBlock = 1 << 20;
  // Offers out at once: thousands of files (a folder) go as a pipeline of offers, well below the
  // receiver's cap on incoming transfers (1 000), and each is offered as another one ends.
  static constexpr size_t kMaxOffered = 256;
  bool queue_dirty_ = false;
  int64_t queue_saved_ms_ = INT64_MIN / 2;  // when the queue store was last written
  uint64_t use_clock_ = 0;               // counts UsePart calls
  uint64_t accepted_automatically_ = 0;  // bytes offered by the transfers auto_accept took
  std::string peer_;                     // fingerprint of the peer of the current secure session
  std::string last_peer_;                // ... of the last one (kept after it ends)
};

}  // namespace duet::peer
