// Publishing the directory sink's epochs (sx-sink --path; the protocol is in
// sink/dir_sink.h): the renames that make a committed epoch's staged files
// visible under OUT, and what a restart does with an epoch whose publish a
// crash cut short. Also the path rules every part of the sink shares: no
// symbolic link below OUT is ever followed.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "sink/dir_commit.h"
#include "stream/checkpoint.h"

namespace sx {

// The published name of epoch N's file: "part-0000000N.ndjson[.zst]".
std::string part_name(std::int64_t epoch, bool zstd);

// A folder sx-sink makes below OUT (OUT/_staging, ...): created when missing;
// io_error when it is a symbolic link or not a directory.
void make_real_dir(const std::string& path);

// Creates the directories of `rel` (a relative file path) under `base` and
// adds them, and `base`, to *dirs (the directories to fsync).
void make_parents(const std::string& base, std::string_view rel, std::set<std::string>* dirs);

// Makes committed epoch `epoch`'s files (listed in `commit`, staged under
// OUT/_staging/epoch-N) visible, then removes that folder. Safe to repeat
// after a crash at any point of an earlier attempt: a staged file already
// gone was renamed before; a complete-mode swap already done (OUT/current/
// _epoch says N) is not done again. `rename_exchange` false: always the
// two-step swap (tests). Throws io_error.
void publish_epoch(const std::string& out, std::int64_t epoch, const DirCommit& commit,
                   bool rename_exchange);

// At the start of a stream (not at launch: upstream sx-read --reset may still
// be emptying the checkpoint): creates OUT and OUT/_staging, rolls the newest
// commit of `ckpt` forward (publish_epoch) after checking that it was made
// with `settings` (usage_error naming the flag otherwise), and deletes
// everything else in OUT/_staging (it belongs to no commit). Returns the
// newest committed epoch (-1: none).
std::int64_t recover_output(const std::string& out, const CheckpointDir& ckpt,
                            const Fingerprint& settings, bool rename_exchange);

}  // namespace sx
