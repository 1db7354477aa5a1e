// The checkpoint directory shared by the stages of one pipeline (sx(7),
// "CHECKPOINTS"):
//
//   DIR/_commits/N          the sink's commit of epoch N (a checkpoint file;
//                           its payload lists the output files it made visible)
//   DIR/<stage>/N           stage <stage>'s checkpoint for epoch N: sx-read's
//                           source position, a stateful stage's state
//   DIR/<stage>/<part>      a part of a stage's state that several epochs
//                           share, written once (sx-dedup's runs of keys,
//                           "keys.S.A-B.E"); epoch files list the parts they use
//   DIR/<stage>/LOCK        the stage's lock for its run (run_lock.h); not a
//                           part, and kept by reset()
//   DIR/_commits/LOCK       the committer's lock
//
// The protocol: at the end of epoch N, sx-read records its position (after
// epoch N) before it writes the epoch record; each stateful stage writes its
// state for N before it forwards the record; the sink makes epoch N's output
// durable and visible together with _commits/N. The stages' files are made
// durable by the sink too: one syncfs before it writes _commits/N (group
// commit). A restart resumes from C, the newest committed epoch: every stage
// loads its file for C (nothing: C = -1, start from the beginning), the
// source goes on after C's position, and what was written after C and not
// committed is discarded by the sink.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/checkpoint_file.h"

namespace sx {

class CheckpointDir {
 public:
  // `dir`: the --checkpoint directory (created when missing); `stage`: the
  // stage's name (the tool's, or --name). Throws io_error when DIR cannot be
  // created, usage_error for a stage name that is not a plain file name.
  CheckpointDir(std::string dir, std::string stage);

  const std::string& dir() const { return dir_; }
  const std::string& stage() const { return stage_; }

  // The newest committed epoch, or -1 when none is.
  std::int64_t last_committed() const;

  // This stage's checkpoint for epoch N: written atomically; read back
  // verified (std::nullopt when absent). After writing N, files of epochs
  // older than the newest committed one are removed (the restart point never
  // goes back further).
  void write(std::int64_t epoch, const Fingerprint& fingerprint, std::string_view payload);
  std::optional<CheckpointFile> read(std::int64_t epoch) const;

  // Parts (see above): `name` starts with a letter and is a plain file name.
  void write_part(const std::string& name, const CheckpointMeta& meta, std::string_view payload,
                  int level) const;
  std::optional<CheckpointFile> read_part(const std::string& name) const;
  std::vector<std::string> parts() const;  // the names of the parts on disk
  void remove_part(const std::string& name) const;

  // The sink's side: commit epoch N with `payload` (what recovery needs to
  // roll it forward), and read a commit back.
  void commit(std::int64_t epoch, std::string_view payload);
  std::optional<CheckpointFile> read_commit(std::int64_t epoch) const;

  // The committer's check before it commits epoch N: N must be `committed`
  // + 1 (`committed`: the newest commit, -1 for none). Anything else means
  // the stages upstream did not resume from this directory's commits (the
  // classic: sx-read without --checkpoint starts every run at epoch 0), and
  // committing would drop or misnumber epochs: throws data_error saying so.
  void check_follows(std::int64_t epoch, std::int64_t committed) const;

  // Removes everything under DIR (sx-read --reset).
  static void reset(const std::string& dir);

 private:
  std::string path_of(std::int64_t epoch) const;
  void prune(const std::string& folder, std::int64_t keep_from) const;

  std::string dir_, stage_;
};

// A stateful stage's side of the protocol (sx-window, sx-dedup, sx-join):
// load the state of the resume epoch at start, save the state of each epoch
// before forwarding its record.
class StageCheckpoint {
 public:
  // `fingerprint`: the flags the state depends on (checkpoint_file.h).
  StageCheckpoint(const std::string& dir, const std::string& stage, Fingerprint fingerprint);

  // The state saved for the newest committed epoch C, checked against the
  // fingerprint (a changed flag is a usage_error naming it); std::nullopt
  // when nothing is committed (start fresh). A committed epoch without this
  // stage's state is an error (another --name, or a stage added later).
  std::optional<std::string> load();
  // The epoch load() restored (-1: none).
  std::int64_t resumed() const { return resumed_; }

  // Whether epoch N's state is to be saved: not for epochs at or before the
  // resumed one (a replay the sink will not take again).
  bool wants(std::int64_t epoch) const { return epoch > resumed_; }

  // Saves the state after epoch N (when wants(N)). `parts`: the parts (saved
  // by save_part, now or in an earlier epoch) that this state is made of.
  // Parts that no epoch from the newest committed one on uses are removed.
  void save(std::int64_t epoch, std::string_view payload,
            const std::vector<std::string>& parts = {});

  // Incremental state: a part is written once, for the first epoch that uses
  // it, and shared by the epochs after it. load_part() reads one that the
  // resumed epoch uses (a missing or damaged part is a data_error).
  void save_part(const std::string& name, std::int64_t epoch, std::string_view payload, int level);
  std::string load_part(const std::string& name);

 private:
  void collect_parts();

  CheckpointDir dir_;
  Fingerprint fingerprint_;
  std::int64_t resumed_ = -1;
  // The parts each epoch from the resumed one on is made of, and the parts on
  // disk; empty for stages that do not use parts.
  std::map<std::int64_t, std::vector<std::string>> uses_;
  std::set<std::string> on_disk_;
  bool listed_ = false;
};

}  // namespace sx
