// The code exchange alone (peer/core/sas_exchange.h): both sides agree only when the reveal
// opens the commitment, and every step checks that it is its turn.
#include "peer/core/sas_exchange.h"

#include <gtest/gtest.h>

namespace duet::peer {
namespace {

namespace app = wire::app;

crypto::SasBytes Secret(uint8_t seed) {
  crypto::SasBytes s{};
  s.fill(seed);
  return s;
}

TEST(SasExchange, HonestSidesShowTheSameCode) {
  SasExchange client(true, Secret(1)), server(false, Secret(1));
  app::SasNonce n = server.OnCommit(client.Commit()).value();
  EXPECT_FALSE(client.done());
  EXPECT_TRUE(client.sas().empty());
  app::SasReveal r = client.OnNonce(n).value();
  ASSERT_TRUE(server.OnReveal(r).ok());
  ASSERT_TRUE(client.done() && server.done());
  EXPECT_EQ(client.sas(), server.sas());
  EXPECT_EQ(client.sas().size(), 7u);
}

// Two sessions (a man in the middle's two) have two secrets: their codes differ even when he
// forwards every frame of the exchange faithfully.
TEST(SasExchange, DifferentSecretsGiveDifferentCodesWhateverIsForwarded) {
  SasExchange alice(true, Secret(1)), bob(false, Secret(2));
  app::SasNonce n = bob.OnCommit(alice.Commit()).value();
  ASSERT_TRUE(bob.OnReveal(alice.OnNonce(n).value()).ok());
  EXPECT_NE(alice.sas(), bob.sas());
}

TEST(SasExchange, ARevealThatDoesNotOpenTheCommitmentIsSasCommitMismatch) {
  SasExchange client(true, Secret(1)), server(false, Secret(1));
  app::SasNonce n = server.OnCommit(client.Commit()).value();
  app::SasReveal r = client.OnNonce(n).value();
  r.nonce[5] ^= 0x40;
  Status st = server.OnReveal(r);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "SAS_COMMIT_MISMATCH");
  EXPECT_FALSE(server.done());
  EXPECT_TRUE(server.sas().empty());
}

// The (step x frame) table: only one frame is right at each step.
TEST(SasExchange, EachStepTakesOnlyItsFrame) {
  {
    SasExchange client(true, Secret(1));  // kClientAwaitsNonce
    EXPECT_EQ(client.OnCommit(app::SasCommit{}).error().code, "PEER_PROTOCOL_ERROR");
    EXPECT_EQ(client.OnReveal(app::SasReveal{}).error().code, "PEER_PROTOCOL_ERROR");
    ASSERT_TRUE(client.OnNonce(app::SasNonce{}).ok());  // kDone
    EXPECT_EQ(client.OnNonce(app::SasNonce{}).error().code, "PEER_PROTOCOL_ERROR");
    EXPECT_EQ(client.OnCommit(app::SasCommit{}).error().code, "PEER_PROTOCOL_ERROR");
  }
  SasExchange server(false, Secret(1));  // kServerAwaitsCommit
  EXPECT_EQ(server.OnNonce(app::SasNonce{}).error().code, "PEER_PROTOCOL_ERROR");
  EXPECT_EQ(server.OnReveal(app::SasReveal{}).error().code, "PEER_PROTOCOL_ERROR");
  ASSERT_TRUE(server.OnCommit(app::SasCommit{}).ok());  // kServerAwaitsReveal
  EXPECT_EQ(server.step(), SasExchange::Step::kServerAwaitsReveal);
  EXPECT_EQ(server.OnCommit(app::SasCommit{}).error().code, "PEER_PROTOCOL_ERROR");
  EXPECT_EQ(server.OnNonce(app::SasNonce{}).error().code, "PEER_PROTOCOL_ERROR");
}

// The server's nonce is fresh per exchange: a replayed commitment gets a new answer.
TEST(SasExchange, TheServerChoosesAFreshNonceEachTime) {
  SasExchange a(false, Secret(1)), b(false, Secret(1));
  app::SasCommit c{};
  EXPECT_NE(a.OnCommit(c).value().nonce, b.OnCommit(c).value().nonce);
}

}  // namespace
}  // namespace duet::peer
