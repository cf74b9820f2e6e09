// Transfers and the queue store: the outgoing queue written down as it changes, and taken back
// after a restart (peer/core/send_queue.h).
#include <algorithm>
#include <utility>

#include "peer/core/transfer_state.h"
#include "wire/hex.h"

namespace duet::peer {

void Transfers::SaveQueue(bool burst) {
  if (config_.queue == nullptr) return;
  queue_dirty_ = true;
  // Quiet (no file under way): the change is written now, so a file reported sent is not
  // offered again after a crash. In a burst (a folder going out, files queued one after
  // another) at most once per interval, and the rest on the next tick.
  const bool quiet = !burst && std::none_of(outgoing_.begin(), outgoing_.end(), [](const auto& o) {
    return o.state != Outgoing::State::kQueued;
  });
  if (quiet || config_.now_ms() - queue_saved_ms_ >= config_.queue_save_interval_ms) {
    WriteQueue(true);
  }
}

void Transfers::OnTick() {
  if (queue_dirty_) WriteQueue(true);
}

void Transfers::WriteQueue(bool report) {
  queue_dirty_ = false;
  queue_saved_ms_ = config_.now_ms();
  std::vector<QueuedFile> files;
  for (const Outgoing& o : outgoing_) {
    if (!Remembered(o)) continue;
    files.push_back(QueuedFile{o.id, o.info.name, o.info.size, o.origin, o.peer});
  }
  // Not fatal: the transfer goes on, only a restart would forget it.
  if (Status st = config_.queue->Save(files); !st && report) listener_.OnError(st.error(), false);
}

void Transfers::Restore() {
  if (config_.queue == nullptr) return;
  Result<std::vector<QueuedFile>> files = config_.queue->Load();
  if (!files) return listener_.OnError(files.error(), false);
  bool dropped = false;
  std::vector<std::pair<FileTransfer, Error>> failed;  // reported once the store says so too
  for (QueuedFile& f : *files) {
    if (FindOutgoing(f.id) != nullptr) {  // twice: not written by us
      dropped = true;
      continue;
    }
    FileTransfer info{wire::ToHex(f.id), false, f.name, f.size, "", "", ""};
    Result<std::unique_ptr<FileSource>> source = config_.queue->Reopen(f);
    if (!source) {
      dropped = true;
      failed.emplace_back(std::move(info), source.error());
      continue;
    }
    Outgoing& o = outgoing_.emplace_back();
    o.id = f.id;
    o.source = std::move(*source);
    o.origin = std::move(f.origin);
    o.peer = std::move(f.peer);
    o.restored = true;
    o.info = std::move(info);
  }
  if (dropped) SaveQueue();
  for (const auto& [info, error] : failed) listener_.OnFileFailed(info, error);
}

}  // namespace duet::peer
