#include "peer/net/posix_send_queue.h"

#include "crypto/secure_file.h"
#include "peer/net/posix_files.h"

namespace duet::peer {
namespace {

constexpr size_t kMaxQueueFileBytes = 16u << 20;

class PosixSendQueue : public SendQueueStore {
 public:
  explicit PosixSendQueue(std::filesystem::path path) : path_(std::move(path)) {}

  Result<std::vector<QueuedFile>> Load() override {
    Result<std::string> text = crypto::ReadSmallFile(path_, kMaxQueueFileBytes);
    if (!text) {
      if (text.error().code == "FILE_NOT_FOUND") return std::vector<QueuedFile>();
      return text.error();
    }
    return ParseSendQueue(*text);
  }

  Status Save(const std::vector<QueuedFile>& files) override {
    std::error_code ec;
    if (files.empty() && !std::filesystem::exists(path_, ec)) return Ok();
    return crypto::WriteFileAtomically(path_, FormatSendQueue(files));
  }

  Result<std::unique_ptr<FileSource>> Reopen(const QueuedFile& file) override {
    return ReopenFileToSend(file);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<SendQueueStore> OpenSendQueue(std::filesystem::path path) {
  return std::make_unique<PosixSendQueue>(std::move(path));
}

}  // namespace duet::peer
