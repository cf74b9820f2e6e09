// Folders sent whole (wire/PROTOCOL.md 4.2): one FOLDER_OFFER, one decision, then each entry
// travels as a file does (transfers.cc, transfer_in.cc) under the folder's id, until FOLDER_END.
#include <algorithm>
#include <utility>

#include "crypto/sha256.h"
#include "peer/core/transfer_state.h"
#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {

namespace app = wire::app;

namespace {

constexpr size_t kMaxFoldersIn = 64;  // folders offered or being received at once

// What the download folder records a received folder under: its id bound to the offer (entries,
// size, name) and to the peer that made it, as PartKey binds a part (transfer_in.cc): another
// offer or another peer reusing the id gets a folder of its own.
app::Id FolderKey(const app::Id& id, const FolderTransfer& info, const std::string& peer) {
  wire::Bytes bytes;
  wire::Writer w(bytes);
  w.Raw(std::string_view("duet-folder-v1"));
  w.Raw(wire::ByteView(id));
  w.U64(info.entries);
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

// What the sender is told when the receiver ends a folder.
Error PeerEnded(app::FolderStatus status, const std::string& name) {
  switch (status) {
    case app::FolderStatus::kComplete:
    case app::FolderStatus::kCancelled:
      return Error{"FILE_CANCELLED", "The peer cancelled the folder " + name + "."};
    case app::FolderStatus::kDeclined:
      return Error{"FILE_DECLINED", "The peer declined the folder " + name + "."};
    case app::FolderStatus::kOverLimit:
      return Error{"FILE_PEER_OVER_LIMIT",
                   "The peer declined the folder " + name +
                       " without being asked: it is larger than they take automatically. Ask "
                       "them to raise their limit or to accept it by hand, then send it again."};
    case app::FolderStatus::kNoSpace:
      return Error{"FILE_PEER_NO_SPACE", "The peer has no room for the folder " + name +
                                             " (not enough free space on their side)."};
    case app::FolderStatus::kWriteFailed:
      return Error{"FILE_PEER_WRITE_FAILED", "The peer could not create the folder " + name +
                                                 " (folder unwritable on their side)."};
  }
  return Error{"FILE_CANCELLED", "The peer ended the folder " + name + "."};
}

}  // namespace

Result<std::string> Transfers::SendFolder(std::string name, std::vector<FolderEntry> entries,
                                          bool secure, wire::Bytes& out) {
  if (name.empty() || name.size() > app::kMaxFileNameBytes || !wire::IsValidUtf8(name)) {
    return Error{"FILE_NAME_BAD", "A folder name must be 1 to 255 bytes of UTF-8 text."};
  }
  if (entries.empty()) {
    return Error{"FOLDER_EMPTY", name + " holds nothing that can be sent."};
  }
  if (entries.size() > app::kMaxFolderEntries) {
    return Error{"FOLDER_TOO_LARGE", name + " holds more than " +
                                         std::to_string(app::kMaxFolderEntries) +
                                         " files and folders, more than go as one. Send its "
                                         "subfolders one by one."};
  }
  uint64_t total = 0;
  for (const FolderEntry& e : entries) {
    if (!wire::IsValidUtf8(e.path) || !app::IsValidFolderPath(e.path) ||
        (e.path.ends_with('/') != (e.source == nullptr))) {
      return Error{"FILE_NAME_BAD", "A path in " + name + " is not one that can be sent."};
    }
    total += e.size;
  }
  if (secure && !peer_takes_folders_) {
    return Error{"FOLDER_NOT_SUPPORTED",
                 "The other side's Duet cannot receive a folder with its tree. Ask them to "
                 "update Duet, or send the files one by one."};
  }
  Folder& f = folders_out_.emplace_back();
  f.id = NewTransferId();
  f.remaining = entries.size();
  f.info.id = wire::ToHex(f.id);
  f.info.name = std::move(name);
  f.info.entries = entries.size();
  f.info.size = total;
  for (FolderEntry& e : entries) {
    Outgoing& o = outgoing_.emplace_back();
    o.id = NewTransferId();
    o.folder = f.id;
    o.source = std::move(e.source);
    o.info = FileTransfer{wire::ToHex(o.id), false, std::move(e.path), e.size, "", "", f.info.id};
    if (secure) o.peer = peer_;
  }
  if (secure) OfferMore(out);
  return f.info.id;
}

Transfers::Folder* Transfers::FindFolder(std::list<Folder>& list, const app::Id& id) {
  auto it = std::find_if(list.begin(), list.end(), [&](const Folder& f) { return f.id == id; });
  return it == list.end() ? nullptr : &*it;
}

Transfers::Folder* Transfers::FolderOf(const std::optional<app::Id>& id, bool incoming) {
  if (!id) return nullptr;
  return FindFolder(incoming ? folders_in_ : folders_out_, *id);
}

DownloadFolder& Transfers::SaveFolder(const Incoming& in) {
  Folder* f = FolderOf(in.folder, true);
  return f != nullptr && f->dir != nullptr ? *f->dir : *config_.downloads;
}

Status Transfers::OnFolderOffer(const app::FolderOffer& m, bool trusted, wire::Bytes& out) {
  if (FindFolder(folders_out_, m.folder_id) != nullptr) {
    return Error{"BAD_MESSAGE", "a FOLDER_OFFER under the id of a folder being sent to it"};
  }
  const std::string name = SafeFileName(m.name);
  if (Folder* f = FindFolder(folders_in_, m.folder_id)) {  // again, in a later session
    if (f->peer != peer_ || f->info.entries != m.entries || f->info.size != m.size ||
        f->info.name != name) {
      return Error{"BAD_MESSAGE", "a FOLDER_OFFER reusing a folder id for another folder"};
    }
    return Ok();
  }
  folders_ended_.erase(m.folder_id);
  if (refused_.erase(m.folder_id) != 0 || folders_in_.size() >= kMaxFoldersIn) {
    app::AppendAppMessage(out, app::FolderEnd{m.folder_id, app::FolderStatus::kDeclined});
    folders_ended_.insert(m.folder_id);
    return Ok();
  }
  Folder& f = folders_in_.emplace_back();
  f.id = m.folder_id;
  f.peer = peer_;
  f.state = Folder::State::kAwaitingUser;
  f.info.id = wire::ToHex(m.folder_id);
  f.info.incoming = true;
  f.info.name = name;
  f.info.entries = m.entries;
  f.info.size = m.size;
  f.key = FolderKey(f.id, f.info, f.peer);
  // The folder created for it in an earlier run: the user accepted it then; it goes on.
  f.earlier_run = trusted && config_.downloads != nullptr && config_.downloads->HasFolder(f.key);
  if (!f.earlier_run) listener_.OnFolderOffered(f.info);
  if (!trusted || config_.downloads == nullptr) return Ok();
  if (f.earlier_run) return AcceptFolder(f, true, out);
  if (!config_.auto_accept) return Ok();
  // --accept-files: the folder counts as a whole against the run's total.
  const AcceptLimits& lim = config_.limits;
  if (m.size > lim.max_total_bytes - std::min(accepted_automatically_, lim.max_total_bytes)) {
    const Error e{"FILE_OVER_LIMIT",
                  name + " (" + std::to_string(m.size) +
                      " bytes) was declined: taking it would bring the files taken without "
                      "asking in this run past " +
                      std::to_string(lim.max_total_bytes) +
                      " bytes (--max-total-size). Raise the limit, or run without --accept-files "
                      "to be asked."};
    EndFolder(f, true, &e, app::FolderStatus::kOverLimit, true, out);
    return Ok();
  }
  accepted_automatically_ += m.size;
  return AcceptFolder(f, true, out);
}

Status Transfers::AcceptFolder(Folder& f, bool secure, wire::Bytes& out) {
  if (!f.earlier_run) {
    if (std::optional<uint64_t> free = config_.downloads->FreeBytes(); free && *free < f.info.size) {
      const Error e{"FILE_NO_SPACE", f.info.name + " was not saved: not enough free space in " +
                                         config_.downloads->path() + ": " +
                                         std::to_string(f.info.size) + " bytes needed, " +
                                         std::to_string(*free) +
                                         " free. Free some space or choose another folder."};
      EndFolder(f, true, &e, app::FolderStatus::kNoSpace, secure, out);
      return Ok();
    }
  }
  Result<std::unique_ptr<DownloadFolder>> dir = config_.downloads->OpenFolder(f.info.name, f.key);
  if (!dir) {
    EndFolder(f, true, &dir.error(), app::FolderStatus::kWriteFailed, secure, out);
    return Ok();
  }
  f.dir = std::move(*dir);
  f.info.path = f.dir->path();
  f.state = Folder::State::kAccepted;
  f.earlier_run = false;
  listener_.OnFolderStarted(f.info);
  if (!secure) return Ok();  // its files come again in the next session
  std::vector<app::Id> waiting;
  for (const Incoming& in : incoming_) {
    if (in.folder == f.id && in.state == Incoming::State::kAwaitingUser) waiting.push_back(in.id);
  }
  for (const app::Id& id : waiting) {
    if (Incoming* in = FindIncoming(id)) {
      if (Status st = StartReceiving(*in, out); !st) return st;
    }
  }
  return Ok();
}

Status Transfers::OnFolderFile(const app::FolderFile& m, bool trusted, wire::Bytes& out) {
  Folder* f = FindFolder(folders_in_, m.folder_id);
  if (f == nullptr) {
    // Offered before our FOLDER_END reached the sender: nothing to answer.
    if (folders_ended_.count(m.folder_id) != 0) return Ok();
    return Error{"BAD_MESSAGE", "a FOLDER_FILE for a folder that was not offered"};
  }
  if (f->peer != peer_) return Error{"BAD_MESSAGE", "a FOLDER_FILE for another peer's folder"};
  return TakeOffer(m.transfer_id, m.size, SafeFolderPath(m.path), f, trusted, out);
}

void Transfers::OnFolderEnd(const app::FolderEnd& m) {
  wire::Bytes unused;  // nothing is answered to a FOLDER_END
  if (Folder* f = FindFolder(folders_out_, m.folder_id)) {
    const Error e = PeerEnded(m.status, f->info.name);
    return EndFolder(*f, false, &e, m.status, false, unused);
  }
  Folder* f = FindFolder(folders_in_, m.folder_id);
  if (f == nullptr || f->peer != peer_) return;
  if (m.status == app::FolderStatus::kComplete) {
    return EndFolder(*f, true, nullptr, m.status, false, unused);
  }
  const Error e{"FILE_CANCELLED", "The peer cancelled the folder " + f->info.name + "."};
  EndFolder(*f, true, &e, m.status, false, unused);
}

void Transfers::EndFolder(Folder& f, bool incoming, const Error* error, app::FolderStatus status,
                          bool tell, wire::Bytes& out) {
  if (tell) app::AppendAppMessage(out, app::FolderEnd{f.id, status});
  const app::Id id = f.id;
  FolderTransfer info = f.info;
  if (incoming) {
    for (auto it = incoming_.begin(); it != incoming_.end();) {
      if (it->folder != id) {
        ++it;
        continue;
      }
      if (it->part) it->part->Remove();  // what is not whole goes; saved files stay
      it = incoming_.erase(it);
    }
    if (f.state == Folder::State::kAccepted && config_.downloads != nullptr) {
      config_.downloads->ForgetFolder(f.key);
    }
    folders_ended_.insert(id);
    folders_in_.remove_if([&](const Folder& x) { return x.id == id; });
  } else {
    outgoing_.remove_if([&](const Outgoing& o) { return o.folder == id; });
    folders_out_.remove_if([&](const Folder& x) { return x.id == id; });
  }
  if (error != nullptr) {
    listener_.OnFolderFailed(info, *error);
  } else {
    listener_.OnFolderDone(info);
  }
}

void Transfers::FolderFileEnded(const FileTransfer& file, bool incoming, const Error* error) {
  if (error != nullptr) listener_.OnFileFailed(file, *error);
  Folder* f = FolderOf(ParseTransferId(file.folder), incoming);
  if (f == nullptr) return;
  ++f->info.entries_done;
  if (error != nullptr) {
    ++f->info.failed;
  } else {
    f->bytes_ended += file.size;
  }
  f->info.bytes_done = f->bytes_ended;
  if (f->remaining > 0) --f->remaining;
  FolderProgress(*f, f->info.entries_done == f->info.entries);
}

void Transfers::FolderProgress(Folder& f, bool force) {
  const int64_t now = config_.now_ms();
  if (!force && now - f.last_progress_ms < config_.progress_interval_ms) return;
  f.last_progress_ms = now;
  listener_.OnFolderProgress(f.info);
}

void Transfers::SendFolderEnds(wire::Bytes& out) {
  for (auto it = folders_out_.begin(); it != folders_out_.end();) {
    Folder& f = *it++;
    if (f.remaining == 0 && !peer_.empty()) {
      EndFolder(f, false, nullptr, app::FolderStatus::kComplete, true, out);
    }
  }
}

}  // namespace duet::peer
