// CPace, the balanced PAKE of draft-irtf-cfrg-cpace (checked against draft -21 and the draft's
// master text of April 2026, whose CPACE-RISTR255-SHA512 vectors are the same): cipher suite
// CPACE-RISTR255-SHA512 (ristretto255 from libsodium, SHA-512 from OpenSSL, s_in_bytes 128, DSI
// "CPaceRistretto255"), initiator-responder setting (transcript_ir).
//
// Both parties start from the same PRS (here: the whole room code), channel identifier CI and
// session id sid; each sends its share (Ya or Yb) with its associated data (ADa or ADb), and
// Finish derives ISK = SHA-512(lv_cat("CPaceRistretto255_ISK", sid, K) || lv_cat(Ya, ADa) ||
// lv_cat(Yb, ADb)). K itself is never exposed (the draft forbids it).
//
// Explicit key confirmation both ways, as the draft's section "Key confirmation" recommends:
//   mac_key = SHA-512("CPaceMac" || sid || ISK)
//   Ta = HMAC-SHA-512(mac_key, lv_cat(Ya, ADa))   (the initiator's tag, over its own message)
//   Tb = HMAC-SHA-512(mac_key, lv_cat(Yb, ADb))   (the responder's tag, over its own message)
// The draft leaves the MAC open ("such as HMAC") and publishes no vectors for this step; we chose
// HMAC-SHA-512 with the full 64-byte tag. Each side sends its tag and checks the peer's before
// trusting ISK; a reflected tag fails because Ta and Tb cover different messages.
//
// Secrets: PRS, the password-derived generator, the scalar, K, ISK and mac_key. Everything of
// them this module copies is wiped with OPENSSL_cleanse (the scalar as soon as Finish is done,
// the rest by the destructor or at once); tags are compared with CRYPTO_memcmp. The caller owns
// and wipes its own PRS, and must not log ISK.
//
// Thread-safety: the free functions are thread-safe; a Cpace object is not (one thread at a
// time); distinct objects may be used on distinct threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "wire/codec.h"
#include "wire/result.h"

namespace duet::crypto {

inline constexpr size_t kCpaceShareBytes = 32;   // an encoded ristretto255 element
inline constexpr size_t kCpaceScalarBytes = 32;  // a little-endian scalar mod the group order
inline constexpr size_t kCpaceIskBytes = 64;     // SHA-512
inline constexpr size_t kCpaceTagBytes = 64;     // HMAC-SHA-512

using CpaceElement = std::array<uint8_t, kCpaceShareBytes>;
using CpaceIsk = std::array<uint8_t, kCpaceIskBytes>;
using CpaceTag = std::array<uint8_t, kCpaceTagBytes>;

enum class CpaceRole { kInitiator, kResponder };  // A (sends Ya, Ta) and B (sends Yb, Tb)

// Building blocks, public so that tests check them against the draft's vectors.
//
// lv_cat(a0, a1, ...): each part prefixed with its length in LEB128 (prepend_len).
wire::Bytes CpaceLvCat(std::initializer_list<wire::ByteView> parts);
// generator_string(DSI, PRS, CI, sid, 128): lv_cat(DSI, PRS, zero padding, CI, sid). It holds
// PRS: the caller wipes it.
wire::Bytes CpaceGeneratorString(wire::ByteView prs, wire::ByteView ci, wire::ByteView sid);
// calculate_generator: the ristretto255 element derived from SHA-512 of the generator string,
// encoded. Secret (it is a function of the password): the caller wipes it. Fails with
// CRYPTO_ERROR only if libsodium cannot be initialised.
Result<CpaceElement> CpaceGenerator(wire::ByteView prs, wire::ByteView ci, wire::ByteView sid);

// One party's run of CPace: Start, send share() and our AD, Finish with the peer's, then
// exchange confirmation() and CheckPeerConfirmation. Finish may be called once: a party that
// could finish against several shares would give a man in the middle several password guesses.
class Cpace {
 public:
  // Draws a fresh secret scalar (RAND_bytes, 64 bytes reduced mod the group order, never zero)
  // and computes our share. `ad` is our associated data (ADa for the initiator, ADb for the
  // responder); it is sent in clear beside the share. Fails with CRYPTO_ERROR only if libsodium
  // cannot be initialised or the group operation fails.
  static Result<std::unique_ptr<Cpace>> Start(CpaceRole role, wire::ByteView prs, wire::ByteView ci,
                                              wire::ByteView sid, wire::ByteView ad);
  // The same with a given scalar (32 bytes little-endian, reduced mod the group order), for the
  // draft's vectors only. Also fails with CPACE_BAD_SCALAR for another length or a zero scalar.
  static Result<std::unique_ptr<Cpace>> StartWithScalar(CpaceRole role, wire::ByteView prs,
                                                        wire::ByteView ci, wire::ByteView sid,
                                                        wire::ByteView ad, wire::ByteView scalar);
  ~Cpace();  // wipes the scalar, ISK and both tags
  Cpace(const Cpace&) = delete;
  Cpace& operator=(const Cpace&) = delete;

  CpaceRole role() const { return role_; }
  const CpaceElement& share() const { return share_; }  // Ya or Yb: public

  // Takes the peer's share and AD; derives K, ISK and both tags, then wipes the scalar and K.
  // Fails with CPACE_BAD_SHARE when the share is not 32 bytes, is not a canonical ristretto255
  // encoding, or K is the identity (the draft's abort; this covers an identity share too), and
  // with CPACE_ALREADY_FINISHED on any call after the first, whether that one succeeded or not.
  Status Finish(wire::ByteView peer_share, wire::ByteView peer_ad);

  // After a successful Finish (asserted): our tag (Ta or Tb) to send, and ISK. ISK is secret;
  // derive keys from it (a KDF), never use it directly, and only once the peer's tag checked.
  const CpaceTag& confirmation() const;
  const CpaceIsk& isk() const;
  // Whether `tag` is the peer's expected tag (constant time); false before a successful Finish.
  bool CheckPeerConfirmation(wire::ByteView tag) const;

 private:
  enum class State { kAwaitingPeer, kFinished, kFailed };

  Cpace(CpaceRole role, wire::ByteView sid, wire::ByteView ad);
  static Result<std::unique_ptr<Cpace>> Create(CpaceRole role, wire::ByteView prs,
                                               wire::ByteView ci, wire::ByteView sid,
                                               wire::ByteView ad,
                                               const std::array<uint8_t, kCpaceScalarBytes>& y);

  const CpaceRole role_;
  const wire::Bytes sid_;
  const wire::Bytes ad_;
  State state_ = State::kAwaitingPeer;
  std::array<uint8_t, kCpaceScalarBytes> scalar_{};  // secret; wiped once Finish is done
  CpaceElement share_{};
  CpaceIsk isk_{};           // secret
  CpaceTag our_tag_{};       // sent to the peer
  CpaceTag expected_tag_{};  // the peer's, as we compute it
};

}  // namespace duet::crypto
