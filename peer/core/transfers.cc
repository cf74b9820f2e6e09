// The outgoing half of Transfers (the queue, the window, FILE_DONE) and what both halves share.
#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

#include "crypto/random.h"
#include "peer/core/transfer_state.h"
#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {

namespace app = wire::app;

app::Id NewTransferId() {
  app::Id id{};
  crypto::RandomBytes(id);
  return id;
}

std::optional<app::Id> ParseTransferId(std::string_view hex) {
  app::Id id{};
  if (!wire::FromHex(hex, id)) return std::nullopt;
  return id;
}

Transfers::Transfers(TransferConfig config, SessionListener& listener)
    : config_(std::move(config)), listener_(listener) {}

Transfers::~Transfers() {
  if (queue_dirty_) WriteQueue(false);  // the listener may be gone: nobody to tell
}

Transfers::Outgoing* Transfers::FindOutgoing(const app::Id& id) {
  auto it = std::find_if(outgoing_.begin(), outgoing_.end(),
                         [&](const Outgoing& o) { return o.id == id; });
  return it == outgoing_.end() ? nullptr : &*it;
}

void Transfers::Progress(const FileTransfer& f, uint64_t done, int64_t& last_ms) {
  if (!f.folder.empty()) {  // told as the folder's
    if (Folder* folder = FolderOf(ParseTransferId(f.folder), f.incoming)) {
      folder->info.current = f.name;
      folder->info.bytes_done = folder->bytes_ended + done;
      FolderProgress(*folder, false);
    }
    return;
  }
  const int64_t now = config_.now_ms();
  if (done != f.size && now - last_ms < config_.progress_interval_ms) return;
  last_ms = now;
  listener_.OnFileProgress(f, done);
}

// --- the user ----------------------------------------------------------------------------------

Result<std::string> Transfers::Send(std::unique_ptr<FileSource> source, std::string name,
                                    uint64_t size, bool secure, wire::Bytes& out,
                                    FileOrigin origin) {
  if (name.empty() || name.size() > app::kMaxFileNameBytes || !wire::IsValidUtf8(name)) {
    return Error{"FILE_NAME_BAD", "A file name must be 1 to 255 bytes of UTF-8 text."};
  }
  if (!origin.path.empty() &&
      std::any_of(outgoing_.begin(), outgoing_.end(),
                  [&](const Outgoing& o) { return o.origin.path == origin.path; })) {
    return Error{"FILE_ALREADY_QUEUED", "That file is already on its way."};
  }
  Outgoing& o = outgoing_.emplace_back();
  o.id = TakeKeptId(size, origin).value_or(NewTransferId());
  o.source = std::move(source);
  o.origin = std::move(origin);
  o.info = FileTransfer{wire::ToHex(o.id), false, std::move(name), size, "", "", ""};
  if (secure) o.peer = peer_;  // meant for the peer of this session (OnSecure binds the others)
  if (Remembered(o)) SaveQueue(/*burst=*/true);
  if (secure) OfferMore(out);
  return o.info.id;
}

Status Transfers::Cancel(std::string_view id_hex, bool secure, wire::Bytes& out) {
  std::optional<app::Id> id = ParseTransferId(id_hex);
  if (!id) return UnknownTransfer(id_hex);
  const Error cancelled{"FILE_CANCELLED", "You cancelled the transfer."};
  if (Folder* f = FindFolder(folders_out_, *id)) {
    EndFolder(*f, false, &cancelled, app::FolderStatus::kCancelled, secure && f->offered, out);
    return Ok();
  }
  if (Folder* f = FindFolder(folders_in_, *id)) {
    if (!secure) refused_.insert(*id);  // answered when the offer comes again
    EndFolder(*f, true, &cancelled, app::FolderStatus::kCancelled, secure, out);
    return Ok();
  }
  if (Outgoing* o = FindOutgoing(*id)) {
    if (secure && o->state != Outgoing::State::kQueued) {
      app::AppendAppMessage(out, app::FileCancel{*id});
    }
    FinishOutgoing(*id, &cancelled);
    return Ok();
  }
  if (Incoming* in = FindIncoming(*id)) {
    if (secure) {
      app::AppendAppMessage(out, app::FileCancel{*id});
    } else {
      refused_.insert(*id);  // answered when the offer comes again
    }
    if (in->part) in->part->Remove();
    FinishIncoming(*id, &cancelled);
    return Ok();
  }
  return UnknownTransfer(id_hex);
}

// --- the session -------------------------------------------------------------------------------

void Transfers::Offer(Outgoing& o, wire::Bytes& out) {
  if (Folder* f = FolderOf(o.folder, false)) {
    if (!std::exchange(f->offered, true)) {
      app::AppendAppMessage(out, app::FolderOffer{f->id, static_cast<uint32_t>(f->info.entries),
                                                  f->info.size, f->info.name});
    }
    app::AppendAppMessage(out, app::FolderFile{o.id, f->id, o.info.size, o.info.name});
  } else {
    app::AppendAppMessage(out, app::FileOffer{o.id, o.info.size, o.info.name});
  }
  o.state = Outgoing::State::kOffered;
}

void Transfers::OnSecure(const std::string& peer_fingerprint, bool folders, wire::Bytes& out) {
  peer_ = last_peer_ = peer_fingerprint;
  peer_takes_folders_ = folders;
  // Files queued for nobody yet are meant for this peer from now on, all at once, and that is
  // on disk before the first is offered: after a crash, none of them goes to someone else.
  bool bound = false;
  for (Outgoing& o : outgoing_) {
    if (!o.peer.empty()) continue;
    o.peer = peer_;
    bound = bound || Remembered(o);
  }
  if (bound && config_.queue != nullptr) WriteQueue(true);
  if (!folders) {  // an older peer: its folders cannot go
    const Error e{"FOLDER_NOT_SUPPORTED",
                  "The other side's Duet cannot receive a folder with its tree. Ask them to "
                  "update Duet, or send the files one by one."};
    for (auto it = folders_out_.begin(); it != folders_out_.end();) {
      Folder& f = *it++;
      const Outgoing* first = nullptr;
      for (const Outgoing& o : outgoing_) {
        if (o.folder == f.id) {
          first = &o;
          break;
        }
      }
      if (first == nullptr || first->peer == peer_) {
        EndFolder(f, false, &e, app::FolderStatus::kCancelled, false, out);
      }
    }
  }
  OfferMore(out);
}

void Transfers::OfferMore(wire::Bytes& out) {
  if (peer_.empty()) return;
  size_t under_way = static_cast<size_t>(std::count_if(
      outgoing_.begin(), outgoing_.end(),
      [](const Outgoing& o) { return o.state != Outgoing::State::kQueued; }));
  for (Outgoing& o : outgoing_) {
    if (under_way >= kMaxOffered) return;
    if (o.state == Outgoing::State::kQueued && (o.peer.empty() || o.peer == peer_)) {
      Offer(o, out);
      ++under_way;
    }
  }
}

void Transfers::OnSessionEnded() {
  peer_.clear();
  for (Outgoing& o : outgoing_) {
    o.state = Outgoing::State::kQueued;
    o.next = o.acked = 0;
    if (o.source) o.source->Close();  // waiting for the next session holds no descriptor
  }
  for (Folder& f : folders_out_) f.offered = false;
  for (Incoming& in : incoming_) {
    if (in.state == Incoming::State::kReceiving) in.state = Incoming::State::kWaitingForOffer;
    if (in.part_open) in.part->Close();  // waiting for the next session holds no descriptor
    in.part_open = false;
  }
}

Status Transfers::Handle(const app::AppMessage& msg, bool trusted, wire::Bytes& out) {
  Status st = std::visit(
      [&](const auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, app::FileOffer>) {
          return OnOffer(m, trusted, out);
        } else if constexpr (std::is_same_v<T, app::FolderOffer>) {
          return OnFolderOffer(m, trusted, out);
        } else if constexpr (std::is_same_v<T, app::FolderFile>) {
          return OnFolderFile(m, trusted, out);
        } else if constexpr (std::is_same_v<T, app::FolderEnd>) {
          OnFolderEnd(m);
        } else if constexpr (std::is_same_v<T, app::FileAccept>) {
          return OnAccept(m);
        } else if constexpr (std::is_same_v<T, app::FileAck>) {
          return OnAck(m);
        } else if constexpr (std::is_same_v<T, app::FileChunk>) {
          return HandleChunk(app::FileChunkView{m.transfer_id, m.offset, m.data}, out);
        } else if constexpr (std::is_same_v<T, app::FileDone>) {
          return OnDone(m, out);
        } else if constexpr (std::is_same_v<T, app::FileResult>) {
          OnResult(m);
        } else if constexpr (std::is_same_v<T, app::FileDecline>) {
          const Error e{"FILE_DECLINED", "The peer declined the file."};
          if (FindOutgoing(m.transfer_id)) FinishOutgoing(m.transfer_id, &e);
        } else if constexpr (std::is_same_v<T, app::FileCancel>) {
          const Error e{"FILE_CANCELLED", "The peer cancelled the transfer."};
          if (FindOutgoing(m.transfer_id)) FinishOutgoing(m.transfer_id, &e);
          if (Incoming* in = FindIncoming(m.transfer_id)) {
            if (in->part) in->part->Remove();
            FinishIncoming(m.transfer_id, &e);
          }
        }
        return Ok();
      },
      msg);
  SendFolderEnds(out);
  return st;
}

Status Transfers::OnAccept(const app::FileAccept& m) {
  Outgoing* o = FindOutgoing(m.transfer_id);
  if (o == nullptr) return Ok();  // cancelled meanwhile
  if (o->state != Outgoing::State::kOffered) {
    return Error{"BAD_MESSAGE", "a FILE_ACCEPT for a transfer that was not offered"};
  }
  if (m.offset > o->info.size) {
    return Error{"BAD_MESSAGE", "a FILE_ACCEPT offset beyond the end of the file"};
  }
  o->state = Outgoing::State::kSending;
  o->next = o->acked = m.offset;
  // The digest covers the bytes the receiver already holds as the file has them now: FillBulk
  // reads and hashes them again before the first chunk, so a file edited in the part already
  // sent (even with its time kept) fails the check instead of arriving as a mix.
  o->hasher = crypto::Sha256();
  o->hashed = 0;
  if (o->folder) return Ok();  // told as the folder's progress
  if (std::exchange(o->restored, false)) listener_.OnFileResumed(o->info, m.offset);
  listener_.OnFileStarted(o->info, m.offset);
  return Ok();
}

Status Transfers::OnAck(const app::FileAck& m) {
  Outgoing* o = FindOutgoing(m.transfer_id);
  if (o == nullptr) return Ok();
  if ((o->state != Outgoing::State::kSending && o->state != Outgoing::State::kDoneSent) ||
      m.offset < o->acked || m.offset > o->next) {
    return Error{"BAD_MESSAGE", "a FILE_ACK for bytes that were not sent"};
  }
  o->acked = m.offset;
  Progress(o->info, o->acked, o->last_progress_ms);
  return Ok();
}

void Transfers::OnResult(const app::FileResult& m) {
  Outgoing* o = FindOutgoing(m.transfer_id);
  if (o == nullptr) return;
  switch (m.status) {
    case app::FileStatus::kSaved:
      if (o->acked != o->info.size) Progress(o->info, o->info.size, o->last_progress_ms);
      return FinishOutgoing(m.transfer_id, nullptr);
    case app::FileStatus::kIntegrityMismatch: {
      const Error e{"FILE_INTEGRITY",
                    "The peer received " + o->info.name +
                        " but its SHA-256 did not match (the file changed while it was sent, or "
                        "what they held from an earlier session was altered). The peer discarded "
                        "it; send it again."};
      return FinishOutgoing(m.transfer_id, &e);
    }
    case app::FileStatus::kWriteFailed: {
      const Error e{"FILE_PEER_WRITE_FAILED", "The peer could not save " + o->info.name +
                                                  " (disk full or folder "
                                                  "unwritable on their side)."};
      return FinishOutgoing(m.transfer_id, &e);
    }
    case app::FileStatus::kNoSpace: {
      const Error e{"FILE_PEER_NO_SPACE",
                    "The peer has no room for " + o->info.name +
                        " (not enough free space on their side); they keep what arrived. Send it "
                        "again once they have freed some space: it continues where it stopped."};
      RememberKept(*o);
      return FinishOutgoing(m.transfer_id, &e);
    }
    case app::FileStatus::kOverLimit: {
      const Error e{"FILE_PEER_OVER_LIMIT",
                    "The peer declined " + o->info.name +
                        " without being asked: it is larger than they take automatically. Ask "
                        "them to raise their limit or to accept it by hand, then send it again."};
      return FinishOutgoing(m.transfer_id, &e);
    }
  }
}

// Exactly what FillBulk would do: it works on the first transfer that is sending and stops
// there unless that one reaches its end, so a later one with room in its window does not count
// (the transport would ask again and again for nothing while the first waits for its acks).
bool Transfers::has_bulk() const {
  size_t under_way = 0;
  bool can_offer = false;
  bool blocked = false;  // the first sending transfer waits for acknowledgements
  for (const Outgoing& o : outgoing_) {
    if (o.state == Outgoing::State::kQueued) {
      can_offer = can_offer || (!peer_.empty() && (o.peer.empty() || o.peer == peer_));
      continue;
    }
    ++under_way;
    if (o.state != Outgoing::State::kSending || blocked) continue;
    if (o.hashed < o.next || o.next == o.info.size || o.next - o.acked < config_.window_bytes) {
      return true;
    }
    blocked = true;
  }
  return can_offer && under_way < kMaxOffered;
}

void Transfers::FillBulk(size_t budget, wire::Bytes& out) {
  OfferMore(out);  // as earlier offers end, the next ones go
  const size_t start = out.size();
  for (Outgoing& o : outgoing_) {
    if (o.state != Outgoing::State::kSending) continue;
    if (o.hashed < o.next) return CatchUp(o, budget, out);
    while (o.next < o.info.size && o.next - o.acked < config_.window_bytes &&
           out.size() - start < budget) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(
          {app::kMaxChunkBytes, o.info.size - o.next, config_.window_bytes - (o.next - o.acked)}));
      const size_t frame_start = out.size();
      std::span<uint8_t> dst = app::PrepareFileChunk(out, o.id, o.next, n);
      if (Status st = ReadToSend(o, o.next, dst); !st) {
        out.resize(frame_start);
        return CancelUnreadable(o, st.error(), out);  // `o` is gone; the next call goes on
      }
      o.hasher.Update(dst);
      o.next = o.hashed = o.next + n;
    }
    if (o.next == o.info.size) {
      if (o.source && o.source->Changed()) {
        return CancelUnreadable(o, ChangedWhileSent(o.info.name), out);
      }
      if (o.source) o.source->Close();  // read to the end: the descriptor goes back until a resume
      const crypto::Digest256 digest = o.hasher.Finish();  // the hasher starts over
      o.hashed = 0;
      o.info.sha256 = wire::ToHex(digest);
      app::AppendAppMessage(out, app::FileDone{o.id, digest});
      o.state = Outgoing::State::kDoneSent;
    }
    if (out.size() - start >= budget || o.state == Outgoing::State::kSending) return;
  }
}

Status Transfers::ReadToSend(const Outgoing& o, uint64_t offset, std::span<uint8_t> dst) {
  Result<size_t> got = o.source->ReadAt(offset, dst);
  if (!got) return got.error();
  if (*got != dst.size()) {
    return Error{"FILE_READ_FAILED",
                 o.info.name + " became shorter while it was sent; the transfer was cancelled."};
  }
  return Ok();
}

void Transfers::CancelUnreadable(const Outgoing& o, const Error& error, wire::Bytes& out) {
  const app::Id id = o.id;  // FinishOutgoing destroys `o`
  app::AppendAppMessage(out, app::FileCancel{id});
  FinishOutgoing(id, &error);
  SendFolderEnds(out);
}

void Transfers::CatchUp(Outgoing& o, size_t budget, wire::Bytes& out) {
  if (scratch_.empty()) scratch_.resize(kCatchUpBlock);
  for (size_t done = 0; o.hashed < o.next && done < budget;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(scratch_.size(), o.next - o.hashed));
    const std::span<uint8_t> dst(scratch_.data(), n);
    if (Status st = ReadToSend(o, o.hashed, dst); !st) return CancelUnreadable(o, st.error(), out);
    o.hasher.Update(dst);
    o.hashed += n;
    done += n;
  }
}

// The receiver keeps the part of a file it had no room for: sent again in this run (the same
// path, size and time), it goes under the same id, so that part resumes.
void Transfers::RememberKept(const Outgoing& o) {
  if (!Remembered(o)) return;  // only a file on disk is known to be the same one again
  if (kept_.size() >= kMaxKept) kept_.erase(kept_.begin());
  kept_.push_back(Kept{o.origin.path, o.info.size, o.origin.mtime_ns, o.id});
}

std::optional<app::Id> Transfers::TakeKeptId(uint64_t size, const FileOrigin& origin) {
  if (origin.path.empty()) return std::nullopt;
  auto it = std::find_if(kept_.begin(), kept_.end(), [&](const Kept& k) {
    return k.path == origin.path && k.size == size && k.mtime_ns == origin.mtime_ns;
  });
  if (it == kept_.end()) return std::nullopt;
  const app::Id id = it->id;
  kept_.erase(it);
  return id;
}

bool Transfers::Remembered(const Outgoing& o) { return !o.origin.path.empty() && !o.folder; }

bool Transfers::ForLastPeer(const Outgoing& o) const {
  return last_peer_.empty() || o.peer.empty() || o.peer == last_peer_;
}

size_t Transfers::outgoing_count() const {
  return static_cast<size_t>(std::count_if(outgoing_.begin(), outgoing_.end(),
                                           [&](const Outgoing& o) { return ForLastPeer(o); }));
}

std::vector<FileTransfer> Transfers::outgoing() const {
  std::vector<FileTransfer> files;
  for (const Outgoing& o : outgoing_) {
    if (ForLastPeer(o)) files.push_back(o.info);
  }
  return files;
}

void Transfers::FinishOutgoing(const app::Id& id, const Error* error) {
  auto it = std::find_if(outgoing_.begin(), outgoing_.end(),
                         [&](const Outgoing& o) { return o.id == id; });
  if (it == outgoing_.end()) return;
  const FileTransfer info = it->info;
  const bool remembered = Remembered(*it);
  outgoing_.erase(it);
  // Someone's choice not to have the file is on disk at once: a crash must not send it anyway.
  const bool refused =
      error != nullptr && (error->code == "FILE_CANCELLED" || error->code == "FILE_DECLINED");
  if (remembered && refused && config_.queue != nullptr) {
    WriteQueue(true);
  } else if (remembered) {
    SaveQueue();
  }
  Report(info, error);
}

void Transfers::Report(const FileTransfer& info, const Error* error) {
  if (!info.folder.empty()) return FolderFileEnded(info, info.incoming, error);
  if (error != nullptr) {
    listener_.OnFileFailed(info, *error);
  } else {
    listener_.OnFileDone(info);
  }
}

}  // namespace duet::peer
