// The state of one transfer, shared by peer/core/transfers.cc (outgoing) and
// peer/core/transfer_in.cc (incoming). Internal to Transfers.
#pragma once

#include <optional>
#include <set>

#include "crypto/sha256.h"
#include "peer/core/transfers.h"

namespace duet::peer {

struct Transfers::Outgoing {
  enum class State {
    kQueued,    // not offered in the current TLS session
    kOffered,   // FILE_OFFER sent, waiting for FILE_ACCEPT or FILE_DECLINE
    kSending,   // chunks flow from `next`
    kDoneSent,  // FILE_DONE sent, waiting for FILE_RESULT
  };
  FileTransfer info;
  wire::app::Id id{};
  std::optional<wire::app::Id> folder;  // a file (or empty folder) of a folder sent whole
  std::unique_ptr<FileSource> source;   // null for an empty folder
  FileOrigin origin;      // remembered in the queue store when it has a path
  std::string peer;       // fingerprint of the peer it is meant for; "" until first offered
  bool restored = false;  // taken back from the queue store after a restart
  State state = State::kQueued;
  uint64_t next = 0;   // next offset to send
  uint64_t acked = 0;  // the receiver holds every byte below this
  // The SHA-256 for FILE_DONE, fed as bytes are read to be sent: it covers [0, hashed). A
  // transfer accepted at an offset above 0 (a resume) first reads and hashes the bytes below
  // it, a slice per FillBulk call, before its first chunk.
  crypto::Sha256 hasher;
  uint64_t hashed = 0;
  int64_t last_progress_ms = 0;
};

struct Transfers::Incoming {
  enum class State {
    kAwaitingUser,     // offered; the user has not decided
    kReceiving,        // accepted in the current TLS session
    kWaitingForOffer,  // accepted, but the session ended: resumes at the next offer
  };
  FileTransfer info;
  wire::app::Id id{};
  std::optional<wire::app::Id> folder;  // a file (or empty folder) of a folder sent whole
  std::string peer;  // fingerprint of the peer that offered it
  State state = State::kAwaitingUser;
  std::unique_ptr<PartFile> part;  // there once accepted
  bool part_open = false;          // `part` holds a file descriptor (see Transfers::UsePart)
  uint64_t last_use = 0;           // when `part` was last written (a count, for UsePart)
  bool earlier_run = false;        // taken without asking: accepted in an earlier run
  crypto::Sha256 hasher;  // over part's bytes, in step with `received` (read again at resume)
  uint64_t received = 0;
  uint64_t acked = 0;  // the last FILE_ACK sent
  int64_t last_progress_ms = 0;
};

// A folder sent whole (PROTOCOL.md 4.2), either way.
struct Transfers::Folder {
  enum class State {
    kAwaitingUser,  // incoming: offered; the user has not decided
    kAccepted,      // incoming: its files are taken as they are offered; outgoing: always
  };
  FolderTransfer info;
  wire::app::Id id{};
  std::string peer;  // incoming: fingerprint of the peer that offered it
  wire::app::Id key{};  // incoming: what the download folder records it under (FolderKey)
  uint64_t remaining = 0;  // outgoing: its entries not ended yet
  State state = State::kAccepted;
  bool offered = false;  // outgoing: FOLDER_OFFER sent in this TLS session
  uint64_t bytes_ended = 0;  // sizes of the entries that ended
  std::unique_ptr<DownloadFolder> dir;  // incoming, once accepted: where its files go
  bool earlier_run = false;  // incoming: accepted in an earlier run, taken again without asking
  int64_t last_progress_ms = 0;
};

// 16 random bytes: a transfer's id, chosen when the file is queued (the queue store keeps it,
// so a restarted sender offers it again under the same id and the receiver resumes).
wire::app::Id NewTransferId();

// Parses 32 hex digits (either case). nullopt for anything else.
std::optional<wire::app::Id> ParseTransferId(std::string_view hex);

inline Error UnknownTransfer(std::string_view id_hex) {
  return Error{"FILE_UNKNOWN", "There is no file transfer " + std::string(id_hex) +
                                   " waiting for that. Check the id in the offer."};
}

}  // namespace duet::peer
