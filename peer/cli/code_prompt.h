// `duet --cli --join`: asks for the code the other person read out.
//
// On a terminal the line is edited with libedit, and Tab completes the word under the cursor from
// the code word list (peer/core/room_code.h): one match is completed (with the hyphen before the
// next word), several are completed as far as they agree and listed. A code that does not parse
// (a typo, a word missing) is said and asked again: nothing is sent before the code is whole, so
// a typo never uses the code up. Without a terminal one line is read from `in` and a code that
// does not parse is returned as the error.
//
// Runs on the main thread before the session starts; touches only the terminal.
#pragma once

#include <cstdio>

#include "peer/core/room_code.h"
#include "wire/result.h"

namespace duet::peer::cli {

// The code, or the parse error; CODE_NOT_ENTERED at end of input.
Result<Code> AskForCode(FILE* in, FILE* out);

}  // namespace duet::peer::cli
