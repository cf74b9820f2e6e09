#include "peer/net/pin_file.h"

namespace duet::peer {
namespace {

class PinFile : public PinStorage {
 public:
  explicit PinFile(crypto::PinStore store) : store_(std::move(store)) {}
  const std::vector<crypto::Pin>& pins() const override { return store_.pins(); }
  Status Store(std::vector<crypto::Pin> pins) override { return store_.Store(std::move(pins)); }

 private:
  crypto::PinStore store_;
};

}  // namespace

Result<std::unique_ptr<PinStorage>> OpenPinFile(std::filesystem::path path) {
  Result<crypto::PinStore> store = crypto::PinStore::Open(std::move(path));
  if (!store) return store.error();
  return std::unique_ptr<PinStorage>(std::make_unique<PinFile>(std::move(*store)));
}

}  // namespace duet::peer
