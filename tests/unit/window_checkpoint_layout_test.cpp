// sx-window's checkpoint payload (ops/window_checkpoint.h) on its own: the
// layout-1 bytes of a small state, written out by hand from the header's
// spec; a restore counts rows and bytes and saves back the same bytes; a
// payload of another window kind is refused.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "io/checkpoint_file.h"
#include "ops/window_checkpoint.h"
#include "state/aggregate.h"
#include "state/window_store.h"

using sx::Micros;

namespace {

// Little-endian integers, as PayloadWriter writes them.
void le(std::string& s, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

struct State {
  std::vector<sx::AggSpec> aggs;
  sx::EventTime wm = sx::EventTime::none();
  std::uint64_t seq = 0, rows = 0, bytes = 0;
  sx::WindowStore windows{2};
  sx::SessionStore sessions{&aggs};
  sx::GroupTable running;

  sx::WindowCheckpointState ref(sx::WindowKind kind, sx::OutputMode mode) {
    return {kind, mode, aggs, wm, seq, windows, sessions, running, rows, bytes};
  }
  std::string save(sx::WindowKind kind, sx::OutputMode mode) {
    sx::PayloadWriter w;
    sx::save_window_state(ref(kind, mode), w);
    return std::string(w.bytes());
  }
};

}  // namespace

TEST_CASE("issue 12: window checkpoint: layout 1, byte for byte") {
  State st;  // no aggregates: the tables hold keys and times only
  st.wm = sx::EventTime{100};
  st.seq = 7;
  sx::WindowState& w = st.windows.at(0, 10, 0, [](sx::WindowState&) {});
  const std::uint32_t i = w.table.find_or_add("k", 0);
  w.table.groups[i].last = 5;
  const std::string saved = st.save(sx::WindowKind::kTumbling, sx::OutputMode::kAppend);

  std::string want;
  le(want, 1, 4);    // layout
  le(want, 1, 1);    // window kind: tumbling
  le(want, 0, 1);    // mode: append
  le(want, 0, 8);    // aggregates
  le(want, 100, 8);  // watermark
  le(want, 7, 8);    // seq
  le(want, 1, 8);    // windows
  le(want, 0, 8);    // start
  le(want, 10, 8);   // end
  le(want, 1, 8);    // groups
  le(want, 1, 8);    // key size
  want += "k";
  le(want, 5, 8);  // last event time
  le(want, 0, 8);  // session keys
  le(want, 0, 8);  // running groups
  CHECK(saved == want);

  State back;
  sx::restore_window_state(saved, "ck",
                           back.ref(sx::WindowKind::kTumbling, sx::OutputMode::kAppend));
  CHECK(back.wm.us == 100);
  CHECK(back.seq == 7);
  CHECK(back.rows == 1);
  CHECK(back.bytes == sx::kWindowStateBytes + sx::state_row_bytes(1, 0));
  CHECK(back.windows.size() == 1);
  CHECK(back.save(sx::WindowKind::kTumbling, sx::OutputMode::kAppend) == saved);

  State other;
  try {
    sx::restore_window_state(saved, "ck/sx-window/3",
                             other.ref(sx::WindowKind::kSession, sx::OutputMode::kAppend));
    FAIL("a tumbling state restored as sessions");
  } catch (const sx::Error& e) {
    CHECK(e.kind() == sx::Error::Kind::kData);
    CHECK(std::string(e.what()).starts_with(
        "ck/sx-window/3 does not hold the state of this sx-window (layout 1, window kind 1, mode "
        "0, 0 aggregates)"));
  }
  CHECK_THROWS_AS(
      sx::restore_window_state(saved.substr(0, saved.size() - 1), "ck",
                               other.ref(sx::WindowKind::kTumbling, sx::OutputMode::kAppend)),
      sx::Error);
}

TEST_CASE("issue 12: window checkpoint: sessions and running keys come back as they were") {
  State st;
  st.aggs = sx::parse_aggs("count");
  for (const Micros t : {0, 3, 20}) {
    std::string k;
    k.push_back(t == 20 ? 'b' : 'a');
    ++st.sessions.add(k, t, t + 5).session->aggs[0].n;  // a: [0,8) of two; b: [20,25)
  }
  st.running.find_or_add("r", 1);
  const std::string saved = st.save(sx::WindowKind::kSession, sx::OutputMode::kComplete);

  State back;
  back.aggs = st.aggs;
  sx::restore_window_state(saved, "ck",
                           back.ref(sx::WindowKind::kSession, sx::OutputMode::kComplete));
  CHECK(back.rows == 3);  // two sessions and one running key
  CHECK(back.sessions.min_end() == 8);
  CHECK(back.sessions.keys().size() == 2);
  CHECK(back.save(sx::WindowKind::kSession, sx::OutputMode::kComplete) == saved);
}
