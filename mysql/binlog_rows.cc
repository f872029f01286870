#include "mysql/binlog_rows.h"

#include <fmt/format.h>

#include <set>

namespace sluice::mysql {
namespace {

// Column type codes of the binlog (the server's enum_field_types).
enum : uint8_t {
  kDecimal = 0, kTiny = 1, kShort = 2, kLong = 3, kFloat = 4, kDouble = 5, kNull = 6,
  kTimestamp = 7, kLongLong = 8, kInt24 = 9, kDate = 10, kTime = 11, kDateTime = 12,
  kYear = 13, kNewDate = 14, kVarchar = 15, kBit = 16, kTimestamp2 = 17, kDateTime2 = 18,
  kTime2 = 19, kJson = 245, kNewDecimal = 246, kEnum = 247, kSet = 248, kTinyBlob = 249,
  kMediumBlob = 250, kLongBlob = 251, kBlob = 252, kVarString = 253, kString = 254,
  kGeometry = 255,
};

struct ColumnShape {
  uint8_t type = 0;
  uint32_t meta = 0;  // as the type reads it (see Shapes)
};

uint32_t LittleEndian(const unsigned char* p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Each column's type and metadata, from the table map.
Result<std::vector<ColumnShape>> Shapes(const std::string& types, const std::string& metadata) {
  std::vector<ColumnShape> out;
  const auto* m = reinterpret_cast<const unsigned char*>(metadata.data());
  size_t at = 0;
  auto take = [&](size_t n) -> Result<uint32_t> {
    if (at + n > metadata.size()) return RuntimeError("binlog table map: metadata too short");
    uint32_t v = n == 1 ? m[at] : (static_cast<uint32_t>(m[at]) << 8) | m[at + 1];
    at += n;
    return v;
  };
  for (unsigned char t : types) {
    ColumnShape c;
    c.type = t;
    switch (t) {
      case kFloat: case kDouble: case kBlob: case kGeometry: case kJson:
      case kTimestamp2: case kDateTime2: case kTime2:
      case kTinyBlob: case kMediumBlob: case kLongBlob: {
        SLUICE_ASSIGN(c.meta, take(1));
        break;
      }
      case kVarchar: case kVarString: {
        // Little-endian maximum length.
        SLUICE_ASSIGN(uint32_t be, take(2));
        c.meta = ((be & 0xff) << 8) | (be >> 8);
        break;
      }
      case kString: case kNewDecimal: case kBit: case kEnum: case kSet: {
        SLUICE_ASSIGN(c.meta, take(2));  // first byte high
        break;
      }
      default:
        break;
    }
    out.push_back(c);
  }
  return out;
}

size_t DecimalBytes(int digits) {
  static constexpr int kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  return static_cast<size_t>(digits / 9) * 4 + kDig2Bytes[digits % 9];
}

// A value's bytes in the image: its size, and where a string's own bytes
// start (after its length prefix).
struct Span {
  size_t size = 0;
  size_t prefix = 0;
  size_t pad_to = 0;  // CHAR/BINARY: the column's length in bytes
};

Result<Span> Measure(const ColumnShape& c, const unsigned char* p, size_t left) {
  auto prefixed = [&](size_t prefix) -> Result<Span> {
    if (left < prefix) return RuntimeError("binlog row: value cut short");
    return Span{prefix + LittleEndian(p, static_cast<int>(prefix)), prefix};
  };
  switch (c.type) {
    case kTiny: case kYear: return Span{1};
    case kShort: return Span{2};
    case kInt24: case kDate: case kNewDate: case kTime: return Span{3};
    case kLong: case kFloat: case kTimestamp: return Span{4};
    case kLongLong: case kDouble: case kDateTime: return Span{8};
    case kNull: return Span{0};
    case kTimestamp2: return Span{4 + (c.meta + 1) / 2};
    case kDateTime2: return Span{5 + (c.meta + 1) / 2};
    case kTime2: return Span{3 + (c.meta + 1) / 2};
    case kNewDecimal: {
      const int precision = static_cast<int>(c.meta >> 8), scale = static_cast<int>(c.meta & 0xff);
      return Span{DecimalBytes(precision - scale) + DecimalBytes(scale)};
    }
    case kBit: return Span{(c.meta & 0xff) + ((c.meta >> 8) != 0 ? 1u : 0u)};
    case kVarchar: case kVarString: return prefixed(c.meta > 255 ? 2 : 1);
    case kBlob: case kGeometry: case kJson: case kTinyBlob: case kMediumBlob: case kLongBlob:
      return prefixed(c.meta);
    case kEnum: case kSet: return Span{c.meta & 0xff};
    case kString: {
      uint32_t real = c.meta >> 8, length = c.meta & 0xff;
      if ((real & 0x30) != 0x30) {  // a CHAR longer than 255: high bits of the length
        length |= ((real & 0x30) ^ 0x30) << 4;
        real |= 0x30;
      }
      if (real == kEnum || real == kSet) return Span{length};
      SLUICE_ASSIGN(Span s, prefixed(length > 255 ? 2 : 1));
      s.pad_to = length;
      return s;
    }
    default:
      return RuntimeError(fmt::format("binlog row: column type {} is not known", c.type));
  }
}

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

Result<std::string> Literal(const ColumnShape& c, const BinlogKeyColumn& k,
                            const unsigned char* p, const Span& span) {
  switch (c.type) {
    case kTiny: case kShort: case kInt24: case kLong: case kLongLong: {
      const int bytes = static_cast<int>(span.size);
      uint64_t v = 0;
      for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
      if (!k.is_signed) return std::to_string(v);
      if (bytes < 8 && (v >> (8 * bytes - 1)) != 0) v |= ~uint64_t{0} << (8 * bytes);
      return std::to_string(static_cast<int64_t>(v));
    }
    case kVarchar: case kVarString: case kString: {
      const size_t n = span.size - span.prefix;
      std::string hex = "X'" + Hex(p + span.prefix, n);
      if (k.charset.empty() || k.charset == "binary") {
        // The server logs a BINARY(N) value without its trailing 0x00 bytes
        // (a CHAR without its trailing spaces, which compare equal anyway):
        // padded back, the literal equals the stored value.
        if (span.pad_to > n) hex.append(2 * (span.pad_to - n), '0');
        return hex + "'";
      }
      return "_" + k.charset + " " + hex + "'";
    }
    default:
      return RuntimeError(fmt::format(
          "binlog capture finds rows by integer and string keys only (key column {} has binlog "
          "type {})",
          k.index + 1, c.type));
  }
}

}  // namespace

bool BinlogKeyTypeSupported(const std::string& data_type) {
  static const std::set<std::string> kTypes = {"tinyint", "smallint", "mediumint", "int",
                                               "bigint",  "char",     "varchar",   "binary",
                                               "varbinary"};
  return kTypes.count(data_type) > 0;
}

Result<std::vector<KeyLiterals>> DecodeRowKeys(const std::string& column_types,
                                               const std::string& metadata,
                                               const std::string& row_data,
                                               const std::vector<BinlogKeyColumn>& key) {
  SLUICE_ASSIGN(std::vector<ColumnShape> shapes, Shapes(column_types, metadata));
  const size_t n = shapes.size();
  for (const auto& k : key) {
    if (k.index < 0 || static_cast<size_t>(k.index) >= n) {
      return RuntimeError(fmt::format("binlog table map has {} columns, the key needs column {}",
                                      n, k.index + 1));
    }
  }
  const auto* p = reinterpret_cast<const unsigned char*>(row_data.data());
  const size_t end = row_data.size(), nulls = (n + 7) / 8;
  std::vector<KeyLiterals> out;
  for (size_t at = 0; at < end;) {
    if (at + nulls > end) return RuntimeError("binlog row: null bitmap cut short");
    const unsigned char* bitmap = p + at;
    at += nulls;
    KeyLiterals lits(key.size());
    for (size_t col = 0; col < n; ++col) {
      const bool null = (bitmap[col / 8] >> (col % 8)) & 1;
      for (size_t j = 0; j < key.size() && null; ++j) {
        if (static_cast<size_t>(key[j].index) == col) return RuntimeError("binlog row: key is NULL");
      }
      if (null) continue;
      SLUICE_ASSIGN(Span span, Measure(shapes[col], p + at, end - at));
      if (at + span.size > end) return RuntimeError("binlog row: value cut short");
      for (size_t j = 0; j < key.size(); ++j) {
        if (static_cast<size_t>(key[j].index) != col) continue;
        SLUICE_ASSIGN(lits[j], Literal(shapes[col], key[j], p + at, span));
      }
      at += span.size;
    }
    out.push_back(std::move(lits));
  }
  return out;
}

}  // namespace sluice::mysql
