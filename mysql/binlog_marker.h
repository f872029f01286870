// The binlog capture's marker in sluice_checkpoint (seq -4, kind 'binlog'):
// a shadow copy of this step mirrors writes from the binary log. lo_key is
// the capture's token (it names the copy's checkpoints), hi_key the binlog
// position applied so far, where a rerun resumes the stream. Written when
// the capture starts, updated by its apply thread, read by the resume.
#pragma once

#include <optional>
#include <string>

#include "engine/db/binlog_reader.h"
#include "engine/db/session.h"

namespace sluice::mysql {

struct BinlogMarker {
  std::string token;
  std::string position;  // as recorded: "file:offset"
};

// The step's marker, or nullopt when it has none.
Result<std::optional<BinlogMarker>> ReadBinlogMarker(Session& s, const std::string& revision,
                                                     int step);
Status WriteBinlogMarker(Session& s, const std::string& revision, int step,
                         const std::string& token, const BinlogPosition& from);
Status RecordBinlogPosition(Session& s, const std::string& revision, int step,
                            const BinlogPosition& applied);
Status DeleteBinlogMarker(Session& s, const std::string& revision, int step);

}  // namespace sluice::mysql
