// The send queue on a real disk: the file in the home folder, and reopening a queued file only
// while it is still the one that was hashed.
#include "peer/net/posix_send_queue.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "peer/net/posix_files.h"
#include "tests/support/process.h"

namespace duet::peer {
namespace {

namespace fs = std::filesystem;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

QueuedFile Queue(const FileToSend& f) {
  return QueuedFile{{}, f.name, f.size, f.origin, std::string(64, 'a')};
}

TEST(PosixSendQueue, SavesAPrivateFileAndLoadsItBack) {
  duet::testing::TempDir tmp;
  std::unique_ptr<SendQueueStore> store = OpenSendQueue(tmp / "home/send-queue");
  Result<std::vector<QueuedFile>> empty = store->Load();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(store->Save({}).ok());
  EXPECT_FALSE(fs::exists(tmp / "home/send-queue"));  // nothing queued, nothing written

  WriteText(tmp / "a file.txt", "hello");
  Result<FileToSend> f = OpenFileToSend(tmp / "a file.txt");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->origin.path, tmp / "a file.txt");
  ASSERT_TRUE(store->Save({Queue(*f)}).ok());
  struct stat st {};
  ASSERT_EQ(::stat((tmp / "home/send-queue").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<std::vector<QueuedFile>> back = store->Load();
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].origin.path, f->origin.path);
  EXPECT_EQ((*back)[0].origin.mtime_ns, f->origin.mtime_ns);
}

TEST(PosixSendQueue, ReopensOnlyTheFileThatWasQueued) {
  duet::testing::TempDir tmp;
  const std::string path = tmp / "report.txt";
  WriteText(path, "version one");
  Result<FileToSend> f = OpenFileToSend(path);
  ASSERT_TRUE(f.ok());
  const QueuedFile queued = Queue(*f);
  Result<std::unique_ptr<FileSource>> same = ReopenFileToSend(queued);
  ASSERT_TRUE(same.ok());
  uint8_t buf[32];
  EXPECT_EQ((*same)->ReadAt(8, buf).value(), 3u);

  WriteText(path, "version two");  // same size, new modification time
  struct timespec later[2] = {{0, UTIME_OMIT}, {f->origin.mtime_ns / 1'000'000'000 + 5, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), later, 0), 0);
  Result<std::unique_ptr<FileSource>> changed = ReopenFileToSend(queued);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code, "QUEUED_FILE_CHANGED");
  EXPECT_EQ(changed.error().message,
            path +
                " changed since it was queued in an earlier run, so it was not sent (the peer "
                "holds part of the old one). Send it again.");

  fs::remove(path);
  Result<std::unique_ptr<FileSource>> gone = ReopenFileToSend(queued);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, "QUEUED_FILE_MISSING");
  EXPECT_EQ(gone.error().message, path +
                                      " is gone since it was queued in an earlier run, so it was "
                                      "not sent. Send it again if you find it.");
}

}  // namespace
}  // namespace duet::peer
