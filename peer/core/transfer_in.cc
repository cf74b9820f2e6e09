// The incoming half of Transfers: offers, NAME.part, the window's acknowledgements, and the
// SHA-256 check before a file is given its final name.
#include <algorithm>
#include <utility>

#include "crypto/sha256.h"
#include "peer/core/transfer_state.h"
#include "wire/hex.h"

namespace duet::peer {

namespace app = wire::app;

namespace {

constexpr size_t kMaxIncoming = 1000;  // offers waiting or in progress
constexpr size_t kRehashBlock = 1 << 20;

Error ProtocolError(std::string what) { return Error{"BAD_MESSAGE", std::move(what)}; }

// What the download folder records a part under: the transfer id bound to the offer the part was
// made for (size and name) and to the peer that made it (its key's fingerprint). The sender picks
// the id, so a peer could offer a known id again with another size (after the receiver
// restarted, say) to have a small accepted file resumed as a large one without asking, or
// another peer could offer an id it learned to append to someone else's part; with this key
// either is a new offer, asked or held to the limits, and the old part is never touched.
app::Id PartKey(const app::Id& id, const FileTransfer& info, const std::string& peer) {
  wire::Bytes bytes;
  wire::Writer w(bytes);
  w.Raw(std::string_view("duet-part-v2"));
  w.Raw(wire::ByteView(id));
  w.U64(info.size);
  w.U16(static_cast<uint16_t>(peer.size()));
  w.Raw(peer);
  w.Raw(info.name);
  crypto::Sha256 h;
  h.Update(bytes);
  const crypto::Digest256 d = h.Finish();
  app::Id key{};
  std::copy_n(d.begin(), key.size(), key.begin());
  return key;
}

}  // namespace

Transfers::Incoming* Transfers::FindIncoming(const app::Id& id) {
  auto it = std::find_if(incoming_.begin(), incoming_.end(),
                         [&](const Incoming& in) { return in.id == id; });
  return it == incoming_.end() ? nullptr : &*it;
}

size_t Transfers::receiving_count() const {
  return static_cast<size_t>(std::count_if(incoming_.begin(), incoming_.end(), [](const auto& in) {
    return in.state != Incoming::State::kAwaitingUser;
  }));
}

Status Transfers::OnOffer(const app::FileOffer& m, bool trusted, wire::Bytes& out) {
  return TakeOffer(m.transfer_id, m.size, SafeFileName(m.name), nullptr, trusted, out);
}

Status Transfers::TakeOffer(const app::Id& id, uint64_t size, std::string safe_name,
                            Folder* folder, bool trusted, wire::Bytes& out) {
  if (FindOutgoing(id) != nullptr) {
    // A cancel names a transfer by id, in either direction: one id must not name two.
    return ProtocolError("a FILE_OFFER under the id of a file being sent to it");
  }
  const std::optional<app::Id> folder_id =
      folder != nullptr ? std::optional<app::Id>(folder->id) : std::nullopt;
  const bool folder_accepted =
      folder != nullptr && folder->state == Folder::State::kAccepted && folder->dir != nullptr;
  if (Incoming* in = FindIncoming(id)) {
    if (in->info.size != size || in->info.name != safe_name || in->peer != peer_ ||
        in->folder != folder_id) {
      return ProtocolError("a FILE_OFFER reusing a transfer id for another file");
    }
    switch (in->state) {
      case Incoming::State::kAwaitingUser:  // still up to the user (or its folder's, now taken)
        return folder_accepted && trusted ? StartReceiving(*in, out) : Ok();
      case Incoming::State::kReceiving:
        return ProtocolError("a FILE_OFFER for a transfer already under way");
      case Incoming::State::kWaitingForOffer: return StartReceiving(*in, out);
    }
  }
  if (refused_.erase(id) != 0 || incoming_.size() >= kMaxIncoming) {
    app::AppendAppMessage(out, app::FileDecline{id});
    return Ok();
  }
  Incoming& in = incoming_.emplace_back();
  in.id = id;
  in.peer = peer_;
  in.folder = folder_id;
  in.info = FileTransfer{wire::ToHex(id), true, std::move(safe_name), size, "", "", ""};
  if (folder != nullptr) {  // asked, and accepted, as its folder
    in.info.folder = folder->info.id;
    return folder_accepted && trusted ? StartReceiving(in, out) : Ok();
  }
  // A part of this transfer in the folder means the user accepted it in an earlier run: it is
  // taken again without asking (OnFileResumed instead of OnFileOffered).
  in.earlier_run = trusted && config_.downloads != nullptr &&
                   config_.downloads->HasPart(in.info.name, PartKey(in.id, in.info, in.peer));
  if (!in.earlier_run) listener_.OnFileOffered(in.info);
  if (!trusted || config_.downloads == nullptr) return Ok();
  if (in.earlier_run) return StartReceiving(in, out);
  if (config_.auto_accept) return AcceptAutomatically(in, out);
  return Ok();
}

Status Transfers::AcceptAutomatically(Incoming& in, wire::Bytes& out) {
  const AcceptLimits& lim = config_.limits;
  const uint64_t size = in.info.size;
  const bool too_large = size > lim.max_file_bytes;
  if (too_large ||
      size > lim.max_total_bytes - std::min(accepted_automatically_, lim.max_total_bytes)) {
    app::AppendAppMessage(out, app::FileResult{in.id, app::FileStatus::kOverLimit});
    const Error e{
        "FILE_OVER_LIMIT",
        in.info.name + " (" + std::to_string(size) + " bytes) was declined: " +
            (too_large ? "files taken without asking may have at most " +
                             std::to_string(lim.max_file_bytes) + " bytes (--max-file-size)"
                       : "taking it would bring the files taken without asking in this run past " +
                             std::to_string(lim.max_total_bytes) + " bytes (--max-total-size)") +
            ". Raise the limit, or run without --accept-files to be asked."};
    FinishIncoming(in.id, &e);
    return Ok();
  }
  accepted_automatically_ += size;
  return StartReceiving(in, out);
}

Status Transfers::Accept(std::string_view id_hex, bool secure, wire::Bytes& out) {
  std::optional<app::Id> id = ParseTransferId(id_hex);
  if (Folder* f = id ? FindFolder(folders_in_, *id) : nullptr) {
    if (f->state != Folder::State::kAwaitingUser) return UnknownTransfer(id_hex);
    if (config_.downloads == nullptr) {
      return Error{"NO_DOWNLOAD_FOLDER", "There is no folder to save files into."};
    }
    return AcceptFolder(*f, secure, out);
  }
  Incoming* in = id ? FindIncoming(*id) : nullptr;
  if (in == nullptr || in->state != Incoming::State::kAwaitingUser || in->folder) {
    return UnknownTransfer(id_hex);
  }
  if (config_.downloads == nullptr) {
    return Error{"NO_DOWNLOAD_FOLDER", "There is no folder to save files into."};
  }
  if (!secure) {  // the offer comes again in the next session and is taken then
    in->state = Incoming::State::kWaitingForOffer;
    return Ok();
  }
  return StartReceiving(*in, out);
}

Status Transfers::Decline(std::string_view id_hex, bool secure, wire::Bytes& out) {
  std::optional<app::Id> id = ParseTransferId(id_hex);
  if (Folder* f = id ? FindFolder(folders_in_, *id) : nullptr) {
    if (f->state != Folder::State::kAwaitingUser) return UnknownTransfer(id_hex);
    if (!secure) refused_.insert(*id);  // answered when the offer comes again
    const Error e{"FILE_DECLINED", "You declined the folder."};
    EndFolder(*f, true, &e, app::FolderStatus::kDeclined, secure, out);
    return Ok();
  }
  Incoming* in = id ? FindIncoming(*id) : nullptr;
  if (in == nullptr || in->state != Incoming::State::kAwaitingUser || in->folder) {
    return UnknownTransfer(id_hex);
  }
  if (secure) {
    app::AppendAppMessage(out, app::FileDecline{*id});
  } else {
    refused_.insert(*id);  // answered when the offer comes again
  }
  const Error e{"FILE_DECLINED", "You declined the file."};
  FinishIncoming(*id, &e);
  return Ok();
}

// Opens (or reopens) NAME.part, hashes what it already holds, and accepts from its length: the
// verified offset, since only bytes that arrived in order inside the TLS session were appended.
// A part adopted from an earlier run is read and hashed again (in the same run the hash is kept
// in step with what was written), so the digest FILE_DONE brings covers the bytes of earlier
// sessions too.
// A file that would not fit in the free space left is not started (FILE_NO_SPACE).
Status Transfers::StartReceiving(Incoming& in, wire::Bytes& out) {
  const app::Id id = in.id;
  if (Status st = OpenPart(in, /*create=*/false); !st) {
    app::AppendAppMessage(out, app::FileResult{id, app::FileStatus::kWriteFailed});
    FinishIncoming(id, &st.error());
    return Ok();
  }
  // This file's missing bytes, and those still to come of the files already being received.
  uint64_t needed = in.info.size - in.received;
  for (const Incoming& other : incoming_) {
    if (&other != &in && other.state == Incoming::State::kReceiving) {
      needed += other.info.size - other.received;
    }
  }
  if (std::optional<uint64_t> free = SaveFolder(in).FreeBytes(); free && *free < needed) {
    NoSpace(in, needed, out);
    return Ok();
  }
  in.state = Incoming::State::kReceiving;
  app::AppendAppMessage(out, app::FileAccept{id, in.received});
  if (in.folder) return Ok();  // told as the folder's progress
  if (std::exchange(in.earlier_run, false)) listener_.OnFileResumed(in.info, in.received);
  listener_.OnFileStarted(in.info, in.received);
  return Ok();
}

Status Transfers::OpenPart(Incoming& in, bool create) {
  if (in.part) {  // this run's part: its hash kept in step with every byte written to it
    UsePart(in);
    return Ok();
  }
  DownloadFolder& folder = SaveFolder(in);
  if (in.folder && in.info.name.ends_with('/')) return folder.MakeFolder(in.info.name);
  const app::Id key = PartKey(in.id, in.info, in.peer);
  if (!create && !folder.HasPart(in.info.name, key)) {
    // Created when its first byte comes: a folder of thousands of files, accepted at once,
    // does not fill the disk with empty parts (nor leave them behind if the program ends).
    in.hasher = crypto::Sha256();
    in.received = in.acked = 0;
    return Ok();
  }
  Result<std::unique_ptr<PartFile>> part = folder.OpenPart(in.info.name, key);
  if (part && (*part)->size() > in.info.size) {  // not this file: start it over
    (*part)->Remove();
    part = folder.OpenPart(in.info.name, key);
  }
  if (!part) return part.error();
  in.part = std::move(*part);
  UsePart(in);
  in.hasher = crypto::Sha256();
  std::vector<uint8_t> buf(kRehashBlock);
  for (uint64_t pos = 0; pos < in.part->size();) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), in.part->size() - pos));
    Result<size_t> got = in.part->ReadAt(pos, std::span<uint8_t>(buf.data(), want));
    if (!got) return got.error();
    if (*got != want) {
      return Error{"FILE_WRITE_FAILED", "A partly received file could not be read back."};
    }
    in.hasher.Update(wire::ByteView(buf.data(), want));
    pos += want;
  }
  in.received = in.acked = in.part->size();
  return Ok();
}

void Transfers::NoSpace(Incoming& in, uint64_t needed, wire::Bytes& out) {
  const std::optional<uint64_t> free = config_.downloads->FreeBytes();
  app::AppendAppMessage(out, app::FileResult{in.id, app::FileStatus::kNoSpace});
  if (in.part && in.part->size() == 0) in.part->Remove();  // nothing worth keeping
  const std::string folder = config_.downloads->path();
  // The disk has the room, yet the write failed: a file-size limit or a quota.
  const std::string why =
      free && *free >= needed
          ? folder + " takes no more (a file-size limit or a quota was reached): " +
                std::to_string(needed) + " bytes needed"
          : "not enough free space in " + folder + ": " + std::to_string(needed) +
                " bytes needed, " + (free ? std::to_string(*free) : "fewer") + " free";
  const Error e{"FILE_NO_SPACE", in.info.name + " was not saved: " + why +
                                     ". Free some space or choose another folder."};
  FinishIncoming(in.id, &e);
}

Status Transfers::HandleChunk(const app::FileChunkView& c, wire::Bytes& out) {
  Incoming* in = FindIncoming(c.transfer_id);
  // Chunks sent before our cancel or decline reached the sender: drop them.
  if (in == nullptr || in->state != Incoming::State::kReceiving) return Ok();
  if (c.offset != in->received) {
    return ProtocolError("a FILE_CHUNK that does not continue where the file stands");
  }
  if (c.data.size() > in->info.size - in->received) {
    return ProtocolError("a FILE_CHUNK beyond the size that was offered");
  }
  if (!in->part) {
    if (Status st = OpenPart(*in, /*create=*/true); !st) {
      app::AppendAppMessage(out, app::FileResult{c.transfer_id, app::FileStatus::kWriteFailed});
      FinishIncoming(c.transfer_id, &st.error());
      return Ok();
    }
  }
  UsePart(*in);
  if (Status st = in->part->Append(c.data); !st) {
    if (st.error().code == "FILE_NO_SPACE") {
      NoSpace(*in, in->info.size - in->received, out);
      return Ok();
    }
    app::AppendAppMessage(out, app::FileResult{c.transfer_id, app::FileStatus::kWriteFailed});
    in->part->Remove();
    FinishIncoming(c.transfer_id, &st.error());
    return Ok();
  }
  in->hasher.Update(c.data);
  in->received += c.data.size();
  if (in->received - in->acked >= config_.ack_bytes || in->received == in->info.size) {
    app::AppendAppMessage(out, app::FileAck{c.transfer_id, in->received});
    in->acked = in->received;
    Progress(in->info, in->received, in->last_progress_ms);
  }
  return Ok();
}

Status Transfers::OnDone(const app::FileDone& m, wire::Bytes& out) {
  Incoming* in = FindIncoming(m.transfer_id);
  if (in == nullptr || in->state != Incoming::State::kReceiving) return Ok();
  const bool folder_entry = in->folder && in->info.name.ends_with('/');
  if (!in->part && !folder_entry && in->info.size == 0) {  // an empty file: no chunk made it
    if (Status st = OpenPart(*in, /*create=*/true); !st) {
      app::AppendAppMessage(out, app::FileResult{m.transfer_id, app::FileStatus::kWriteFailed});
      FinishIncoming(m.transfer_id, &st.error());
      return Ok();
    }
  }
  const bool complete = in->received == in->info.size;
  const crypto::Digest256 digest = in->hasher.Finish();
  if (!complete || digest != m.sha256) {
    // Nothing is presented as complete: the part is deleted, and both sides are told.
    if (in->part) in->part->Remove();
    app::AppendAppMessage(out, app::FileResult{m.transfer_id, app::FileStatus::kIntegrityMismatch});
    const Error e{"FILE_INTEGRITY",
                  in->info.name +
                      (complete ? " arrived, but its SHA-256 does not match the sender's"
                                : " ended early") +
                      ": part of it changed (on a disk between two sessions, or the sender's "
                      "copy) and it was discarded. Ask the sender to send it again."};
    FinishIncoming(m.transfer_id, &e);
    return Ok();
  }
  // An empty folder of a folder was made when it was accepted.
  Result<std::string> path = in->part ? in->part->Commit()
                                      : Result<std::string>(SaveFolder(*in).path() + "/" +
                                                            in->info.name);
  if (!path) {
    app::AppendAppMessage(out, app::FileResult{m.transfer_id, app::FileStatus::kWriteFailed});
    FinishIncoming(m.transfer_id, &path.error());
    return Ok();
  }
  in->info.path = *path;
  in->info.sha256 = wire::ToHex(digest);
  app::AppendAppMessage(out, app::FileResult{m.transfer_id, app::FileStatus::kSaved});
  FinishIncoming(m.transfer_id, nullptr);
  return Ok();
}

void Transfers::UsePart(Incoming& in) {
  in.last_use = ++use_clock_;
  if (in.part_open) return;
  in.part_open = true;
  Incoming* oldest = nullptr;
  size_t open = 0;
  for (Incoming& other : incoming_) {
    if (!other.part_open) continue;
    ++open;
    if (&other != &in && (oldest == nullptr || other.last_use < oldest->last_use)) oldest = &other;
  }
  if (open <= kMaxOpenParts || oldest == nullptr) return;
  oldest->part->Close();
  oldest->part_open = false;
}

void Transfers::FinishIncoming(const app::Id& id, const Error* error) {
  auto it = std::find_if(incoming_.begin(), incoming_.end(),
                         [&](const Incoming& in) { return in.id == id; });
  if (it == incoming_.end()) return;
  const FileTransfer info = it->info;
  incoming_.erase(it);
  Report(info, error);
}

}  // namespace duet::peer
