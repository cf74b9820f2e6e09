// ChatModel: the file cards (what the transfer events do to them).
#include "peer/gui/chat_model.h"

namespace duet::peer::gui {

std::optional<size_t> ChatModel::FileIndex(const std::string& id) const {
  if (id.empty()) return std::nullopt;
  for (size_t i = files_.size(); i-- > 0;) {
    if (files_[i].id == id) return i;
  }
  return std::nullopt;
}

const FileCard* ChatModel::FindFile(const std::string& id) const {
  std::optional<size_t> i = FileIndex(id);
  return i ? &files_[*i] : nullptr;
}

FileCard* ChatModel::Card(const FileTransfer& file) {
  std::optional<size_t> i = FileIndex(file.id);
  return i ? &files_[*i] : nullptr;
}

void ChatModel::OnFileOffered(const FileTransfer& file) {
  // The same offer again (after a reconnect) keeps its card.
  if (FileCard* c = Card(file); c != nullptr && c->state == FileState::kOffered) return;
  FileCard card;
  card.id = file.id;
  card.incoming = true;
  card.name = file.name;
  card.size = file.size;
  card.state = FileState::kOffered;
  files_.push_back(std::move(card));
  TranscriptLine line{TranscriptLine::Kind::kFile, file.name, now_ms_(), file.id, false, false};
  line.card = files_.size() - 1;
  Add(std::move(line));
}

size_t ChatModel::AddOutgoingFile(const std::string& name, uint64_t size, const std::string& path) {
  FileCard card;
  card.name = name;
  card.size = size;
  card.path = path;
  files_.push_back(std::move(card));
  TranscriptLine line{TranscriptLine::Kind::kFile, name, now_ms_(), {}, false, false};
  line.card = files_.size() - 1;
  Add(std::move(line));
  return files_.size() - 1;
}

void ChatModel::AttachFileId(size_t card, const std::string& id) {
  if (card >= files_.size()) return;
  files_[card].id = id;
  if (files_[card].state == FileState::kPreparing) files_[card].state = FileState::kOffered;
  Changed();
}

void ChatModel::AnswerFile(size_t card, bool answered) {
  if (card >= files_.size()) return;
  files_[card].answered = answered;
  Changed();
}

void ChatModel::PressCancel(size_t card, bool pressed) {
  if (card >= files_.size()) return;
  files_[card].cancel_pressed = pressed;
  Changed();
}

std::vector<size_t> ChatModel::WaitingOffers() const {
  std::vector<size_t> waiting;
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i].CanAccept()) waiting.push_back(i);
  return waiting;
}

void ChatModel::FailFile(size_t card, const Error& error) {
  if (card >= files_.size()) return;
  Stop(files_[card], error);
  Changed();
}

void ChatModel::Stop(FileCard& c, const Error& error) {
  c.state = StoppedState(error.code);
  c.error = error.message;
  // Only the receiver declines; either side cancels, and a Cancel pressed here says it was us.
  const bool theirs = c.state == FileState::kDeclined    ? !c.incoming
                      : c.state == FileState::kCancelled ? !c.cancel_pressed
                                                         : false;
  c.ended_by = !theirs ? "" : has_peer_ ? peer_.name : "the other side";
}

FileCard* ChatModel::CardOrRestored(const FileTransfer& file) {
  if (FileCard* c = Card(file); c != nullptr) return c;
  if (file.incoming) {
    OnFileOffered(file);  // a card as for an offer; OnFileStarted moves it on
    return Card(file);
  }
  const size_t card = AddOutgoingFile(file.name, file.size, "");
  files_[card].id = file.id;
  files_[card].state = FileState::kOffered;
  return &files_[card];
}

void ChatModel::OnFileResumed(const FileTransfer& file, uint64_t /*offset*/) {
  CardOrRestored(file);  // OnFileStarted follows and shows where it resumes
  Changed();
}

void ChatModel::OnFileStarted(const FileTransfer& file, uint64_t offset) {
  FileCard* c = Card(file);
  if (c == nullptr || c->Stopped()) return;
  c->state = FileState::kTransferring;
  c->start_offset = offset;
  c->done = offset;
  c->start_ms = c->last_ms = now_ms_();
  c->bar_shown = true;
  c->stalled = false;
  Changed();
}

void ChatModel::OnFileProgress(const FileTransfer& file, uint64_t done) {
  FileCard* c = Card(file);
  if (c == nullptr || c->state == FileState::kDone || c->Stopped()) return;
  c->state = FileState::kTransferring;
  c->done = done;
  c->last_ms = now_ms_();
  c->bar_shown = true;
  c->stalled = false;
  Changed();
}

void ChatModel::OnFileDone(const FileTransfer& file) {
  FileCard* c = Card(file);
  if (c == nullptr || c->Stopped()) return;
  c->state = FileState::kDone;
  c->done = c->size;
  if (file.incoming) c->path = file.path;
  Changed();
}

void ChatModel::OnFileFailed(const FileTransfer& file, const Error& error) {
  if (!file.folder.empty()) return OnFolderFileFailed(file);
  FileCard* c = CardOrRestored(file);  // a queued file that changed while Duet was closed
  if (c == nullptr) return;
  Stop(*c, error);
  Changed();
}

void ChatModel::FailUnfinishedFiles() {
  for (FileCard& c : files_) {
    if (c.state == FileState::kDone || c.Stopped()) continue;
    c.state = FileState::kFailed;
    c.error = "The conversation ended before the transfer finished.";
  }
}

}  // namespace duet::peer::gui
