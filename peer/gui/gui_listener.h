// The desktop app's SessionListener: copies each event and hands it to the main thread, where
// it updates the ChatModel and then calls `changed` so the window shows it.
//
// Threading: the On* methods run on peer/net's I/O thread and touch nothing but the queue; the
// model and `changed` are used on the thread that drains the queue only. The model and the
// queue must outlive every task posted.
#pragma once

#include <functional>

#include "peer/core/listener.h"
#include "peer/gui/chat_model.h"
#include "peer/gui/ui_queue.h"

namespace duet::peer::gui {

class GuiListener : public SessionListener {
 public:
  GuiListener(UiQueue& queue, ChatModel& model, std::function<void()> changed)
      : queue_(queue), model_(model), changed_(std::move(changed)) {}

  void OnStateChanged(SessionState state) override;
  void OnSecure(const PeerInfo& peer) override;
  void OnMessage(const ReceivedMessage& message) override;
  void OnDelivered(std::string_view id) override;
  void OnPeerLeft() override;
  void OnError(const Error& error, bool fatal) override;
  void OnStalled(int64_t silent_ms) override;
  void OnLive() override;
  void OnQuarantined(size_t held) override;
  void OnFileOffered(const FileTransfer& file) override;
  void OnFileResumed(const FileTransfer& file, uint64_t offset) override;
  void OnFileStarted(const FileTransfer& file, uint64_t offset) override;
  void OnFileProgress(const FileTransfer& file, uint64_t done) override;
  void OnFileDone(const FileTransfer& file) override;
  void OnFileFailed(const FileTransfer& file, const Error& error) override;
  void OnFolderOffered(const FolderTransfer& folder) override;
  void OnFolderStarted(const FolderTransfer& folder) override;
  void OnFolderProgress(const FolderTransfer& folder) override;
  void OnFolderDone(const FolderTransfer& folder) override;
  void OnFolderFailed(const FolderTransfer& folder, const Error& error) override;

 private:
  // Runs `apply` on the model on the main thread, then tells the window.
  void Hand(std::function<void(ChatModel&)> apply);

  UiQueue& queue_;
  ChatModel& model_;
  std::function<void()> changed_;
};

}  // namespace duet::peer::gui
