// ChatModel: folders sent whole. One card per folder, counted in files and bytes; the files
// inside it never get cards of their own (the session tells only their failures).
#include "peer/gui/chat_model.h"

namespace duet::peer::gui {
namespace {

// At most this many skipped entries are named in the transcript line; the rest are counted.
constexpr size_t kSkippedNamed = 5;

// The counts a folder event carries, onto its card.
void TakeCounts(FileCard& c, const FolderTransfer& f) {
  c.entries = f.entries;
  c.size = f.size;
  c.entries_done = f.entries_done;
  c.failed = f.failed;
  c.done = f.bytes_done;
  c.current = f.current;
  if (f.incoming && !f.path.empty()) c.path = f.path;
}

}  // namespace

FileCard& ChatModel::FolderCard(const FolderTransfer& folder) {
  if (std::optional<size_t> i = FileIndex(folder.id)) return files_[*i];
  FileCard card;
  card.id = folder.id;
  card.incoming = folder.incoming;
  card.name = folder.name;
  card.folder = true;
  card.state = FileState::kOffered;
  TakeCounts(card, folder);
  files_.push_back(std::move(card));
  TranscriptLine line{TranscriptLine::Kind::kFile, folder.name, now_ms_(), folder.id, false, false};
  line.card = files_.size() - 1;
  Add(std::move(line));
  return files_.back();
}

void ChatModel::OnFolderOffered(const FolderTransfer& folder) {
  // The same offer again (after a reconnect) keeps its card.
  FileCard& c = FolderCard(folder);
  if (c.state == FileState::kOffered) TakeCounts(c, folder);
  Changed();
}

void ChatModel::OnFolderStarted(const FolderTransfer& folder) {
  FileCard& c = FolderCard(folder);
  if (c.Stopped()) return;
  TakeCounts(c, folder);
  c.state = FileState::kTransferring;
  c.start_offset = c.done;
  c.start_ms = c.last_ms = now_ms_();
  c.bar_shown = true;
  c.stalled = false;
  Changed();
}

void ChatModel::OnFolderProgress(const FolderTransfer& folder) {
  std::optional<size_t> i = FileIndex(folder.id);
  if (!i) return;
  FileCard& c = files_[*i];
  if (c.state == FileState::kDone || c.Stopped()) return;
  TakeCounts(c, folder);
  c.state = FileState::kTransferring;  // an outgoing folder moves on its first progress
  c.last_ms = now_ms_();
  c.bar_shown = true;
  c.stalled = false;
  Changed();
}

void ChatModel::OnFolderDone(const FolderTransfer& folder) {
  FileCard& c = FolderCard(folder);
  if (c.Stopped()) return;
  TakeCounts(c, folder);
  c.state = FileState::kDone;
  c.current.clear();
  Changed();
}

void ChatModel::OnFolderFailed(const FolderTransfer& folder, const Error& error) {
  FileCard& c = FolderCard(folder);
  TakeCounts(c, folder);
  c.current.clear();
  Stop(c, error);
  Changed();
}

void ChatModel::OnFolderFileFailed(const FileTransfer& file) {
  std::optional<size_t> i = FileIndex(file.folder);
  if (!i) return;  // its folder has ended, or was never shown: nothing to count it on
  FileCard& c = files_[*i];
  if (c.state == FileState::kDone || c.Stopped()) return;
  // The folder's next progress carries the same count; this one names the file.
  ++c.failed;
  c.failed_name = file.name;
  Changed();
}

size_t ChatModel::AddOutgoingFolder(const std::string& name, const std::string& path) {
  const size_t card = AddOutgoingFile(name, 0, path);
  files_[card].folder = true;
  return card;
}

void ChatModel::SetFolderContents(size_t card, uint64_t entries, uint64_t size,
                                  const std::vector<std::string>& skipped) {
  if (card >= files_.size()) return;
  FileCard& c = files_[card];
  c.entries = entries;
  c.size = size;
  if (!skipped.empty()) {
    std::string text = "Not sent from " + c.name + ": ";
    for (size_t i = 0; i < skipped.size() && i < kSkippedNamed; ++i)
      text += (i == 0 ? "" : "; ") + skipped[i];
    if (skipped.size() > kSkippedNamed)
      text += "; and " + std::to_string(skipped.size() - kSkippedNamed) + " more";
    AddSystem(text);
  }
  Changed();
}

}  // namespace duet::peer::gui
