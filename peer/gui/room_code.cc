#include "peer/gui/room_code.h"

#include <array>
#include <string_view>

#include "crypto/random.h"

namespace duet::peer::gui {
namespace {

constexpr std::array<std::string_view, 64> kWords = {
    "amber",  "apple",  "arrow", "aspen",   "badger", "basil",  "beacon", "birch",
    "bison",  "breeze", "brook", "cedar",   "cherry", "clover", "comet",  "coral",
    "crane",  "delta",  "dune",  "ember",   "falcon", "fern",   "fig",    "finch",
    "fjord",  "flint",  "frost", "garnet",  "ginger", "harbor", "hazel",  "heron",
    "indigo", "island", "jade",  "juniper", "kiwi",   "lagoon", "lark",   "lemon",
    "lilac",  "linden", "lotus", "maple",   "meadow", "mango",  "marble", "mint",
    "nectar", "olive",  "onyx",  "orchid",  "otter",  "pebble", "pine",   "plum",
    "quartz", "raven",  "river", "sage",    "tiger",  "tulip",  "violet", "willow",
};

std::string_view Word() { return kWords[crypto::RandomBelow(kWords.size())]; }

}  // namespace

std::string NewRoomCode() {
  std::string code(Word());
  code += '-';
  code += Word();
  code += '-';
  code += std::to_string(10 + crypto::RandomBelow(90));
  return code;
}

}  // namespace duet::peer::gui
