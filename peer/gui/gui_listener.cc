#include "peer/gui/gui_listener.h"

namespace duet::peer::gui {

void GuiListener::Hand(std::function<void(ChatModel&)> apply) {
  queue_.Post([this, apply = std::move(apply)] {
    apply(model_);
    if (changed_) changed_();
  });
}

void GuiListener::OnStateChanged(SessionState state) {
  Hand([state](ChatModel& m) { m.OnStateChanged(state); });
}

void GuiListener::OnSecure(const PeerInfo& peer) {
  Hand([peer](ChatModel& m) { m.OnSecure(peer); });
}

void GuiListener::OnMessage(const ReceivedMessage& message) {
  Hand([message](ChatModel& m) { m.OnMessage(message); });
}

void GuiListener::OnDelivered(std::string_view id) {
  Hand([id = std::string(id)](ChatModel& m) { m.OnDelivered(id); });
}

void GuiListener::OnPeerLeft() {
  Hand([](ChatModel& m) { m.OnPeerLeft(); });
}

void GuiListener::OnError(const Error& error, bool fatal) {
  Hand([error, fatal](ChatModel& m) { m.OnError(error, fatal); });
}

void GuiListener::OnStalled(int64_t silent_ms) {
  Hand([silent_ms](ChatModel& m) { m.OnStalled(silent_ms); });
}

void GuiListener::OnLive() {
  Hand([](ChatModel& m) { m.OnLive(); });
}

void GuiListener::OnQuarantined(size_t held) {
  Hand([held](ChatModel& m) { m.OnQuarantined(held); });
}

void GuiListener::OnFileOffered(const FileTransfer& file) {
  Hand([file](ChatModel& m) { m.OnFileOffered(file); });
}

void GuiListener::OnFileResumed(const FileTransfer& file, uint64_t offset) {
  Hand([file, offset](ChatModel& m) { m.OnFileResumed(file, offset); });
}

void GuiListener::OnFileStarted(const FileTransfer& file, uint64_t offset) {
  Hand([file, offset](ChatModel& m) { m.OnFileStarted(file, offset); });
}

void GuiListener::OnFileProgress(const FileTransfer& file, uint64_t done) {
  Hand([file, done](ChatModel& m) { m.OnFileProgress(file, done); });
}

void GuiListener::OnFileDone(const FileTransfer& file) {
  Hand([file](ChatModel& m) { m.OnFileDone(file); });
}

void GuiListener::OnFileFailed(const FileTransfer& file, const Error& error) {
  Hand([file, error](ChatModel& m) { m.OnFileFailed(file, error); });
}

void GuiListener::OnFolderOffered(const FolderTransfer& folder) {
  Hand([folder](ChatModel& m) { m.OnFolderOffered(folder); });
}

void GuiListener::OnFolderStarted(const FolderTransfer& folder) {
  Hand([folder](ChatModel& m) { m.OnFolderStarted(folder); });
}

void GuiListener::OnFolderProgress(const FolderTransfer& folder) {
  Hand([folder](ChatModel& m) { m.OnFolderProgress(folder); });
}

void GuiListener::OnFolderDone(const FolderTransfer& folder) {
  Hand([folder](ChatModel& m) { m.OnFolderDone(folder); });
}

void GuiListener::OnFolderFailed(const FolderTransfer& folder, const Error& error) {
  Hand([folder, error](ChatModel& m) { m.OnFolderFailed(folder, error); });
}

}  // namespace duet::peer::gui
