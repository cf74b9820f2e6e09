// The Session's file commands: thin wrappers that hand Transfers the session's state and
// encrypt what it answers.
#include "peer/core/session.h"

namespace duet::peer {

Result<std::string> Session::SendFile(std::unique_ptr<FileSource> source, std::string name,
                                      uint64_t size, FileOrigin origin) {
  if (link_ == Link::kClosed) {
    return Error{"SESSION_CLOSED", "The session has ended; the file was not sent."};
  }
  wire::Bytes out;
  Result<std::string> id = transfers_.Send(std::move(source), std::move(name), size, can_send(),
                                           out, std::move(origin));
  SendPlain(out);
  return id;
}

Result<std::string> Session::SendFolder(std::string name,
                                        std::vector<Transfers::FolderEntry> entries) {
  if (link_ == Link::kClosed) {
    return Error{"SESSION_CLOSED", "The session has ended; the folder was not sent."};
  }
  wire::Bytes out;
  Result<std::string> id =
      transfers_.SendFolder(std::move(name), std::move(entries), can_send(), out);
  SendPlain(out);
  return id;
}

Status Session::AcceptFile(std::string_view id) { return FileCommand(&Transfers::Accept, id); }
Status Session::DeclineFile(std::string_view id) { return FileCommand(&Transfers::Decline, id); }
Status Session::CancelFile(std::string_view id) { return FileCommand(&Transfers::Cancel, id); }

Status Session::FileCommand(Status (Transfers::*command)(std::string_view, bool, wire::Bytes&),
                            std::string_view id) {
  wire::Bytes out;
  Status st = (transfers_.*command)(id, can_send(), out);
  SendPlain(out);
  return st;
}

}  // namespace duet::peer
