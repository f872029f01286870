#include "engine/chunk/key_range.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "engine/sql/quote.h"

namespace sluice::chunk {
namespace {

LiteralKind KindOf(const ColumnInfo& c) {
  if (c.IsInteger()) return LiteralKind::kInteger;
  const std::string& t = c.data_type;
  if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
      t == "longblob") {
    return LiteralKind::kBinary;
  }
  return LiteralKind::kString;
}

bool IsIntegerText(const std::string& v) {
  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  if (i == v.size()) return false;
  for (; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return false;
  }
  return true;
}

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

Result<std::string> Unhex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return RuntimeError("checkpoint key: odd hex length");
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return RuntimeError("checkpoint key: bad hex digit");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string Column(const KeySpec& spec, size_t i, bool qualified) {
  std::string col = sql::QuoteIdent(spec.columns[i]);
  if (!qualified || spec.qualifier.empty()) return col;
  return spec.qualifier + "." + col;
}

std::string Value(const KeySpec& spec, const KeyTuple& values, size_t i) {
  // Key columns are NOT NULL (KeySpec::Make), so a NULL here is a bug upstream.
  return values[i] ? KeyLiteral(spec.kinds[i], *values[i]) : "NULL";
}

// The strict part of `op`: ">" for ">" and "<" for "<=".
std::string Strict(const std::string& op) { return op == "<=" ? "<" : op; }

}  // namespace

Result<KeySpec> KeySpec::Make(const TableInfo& t, const ChunkKey& key, TupleStyle style) {
  KeySpec spec;
  spec.table = t.ref;
  spec.style = style;
  spec.columns = key.columns;
  if (key.columns.empty()) return InputError("the chunk key has no columns");
  if (key.hidden_rowid) {
    spec.kinds.assign(key.columns.size(), LiteralKind::kInteger);
    return spec;
  }
  for (const std::string& name : key.columns) {
    const ColumnInfo* c = t.FindColumn(name);
    if (c == nullptr) {
      return InputError(fmt::format("chunk key column {} is not a column of {}.{}", name,
                                    t.ref.schema, t.ref.name));
    }
    if (c->nullable) {
      return InputError(
          fmt::format("chunk key column {} of {}.{} is nullable: a chunk key must be NOT NULL",
                      name, t.ref.schema, t.ref.name));
    }
    spec.kinds.push_back(KindOf(*c));
  }
  for (const IndexInfo& idx : t.indexes) {
    if (idx.unique && idx.columns == key.columns) {
      spec.index = idx.name;
      break;
    }
  }
  return spec;
}

std::string KeyLiteral(LiteralKind kind, const std::string& value) {
  switch (kind) {
    case LiteralKind::kInteger:
      if (IsIntegerText(value)) return value;
      return sql::QuoteString(value);  // not expected; still safe
    case LiteralKind::kBinary:
      return value.empty() ? "''" : "X'" + Hex(value) + "'";
    case LiteralKind::kString:
      break;
  }
  return sql::QuoteString(value);
}

std::string TupleCompare(const KeySpec& spec, const std::string& op, const KeyTuple& values,
                         bool qualified) {
  const size_t n = spec.columns.size();
  if (n == 1) return Column(spec, 0, qualified) + " " + op + " " + Value(spec, values, 0);
  std::string out;
  if (spec.style == TupleStyle::kRowConstructor) {
    out = "(";
    for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + Column(spec, i, qualified);
    out += ") " + op + " (";
    for (size_t i = 0; i < n; ++i) out += (i ? ", " : "") + Value(spec, values, i);
    return out + ")";
  }
  // (c1 OP' v1) OR (c1 = v1 AND c2 OP' v2) OR ... OR (c1 = v1 AND ... AND cn OP vn)
  out = "(";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += " OR ";
    out += "(";
    for (size_t j = 0; j < i; ++j) {
      out += Column(spec, j, qualified) + " = " + Value(spec, values, j) + " AND ";
    }
    out += Column(spec, i, qualified) + " " + (i + 1 == n ? op : Strict(op)) + " " +
           Value(spec, values, i);
    out += ")";
  }
  return out + ")";
}

std::string RangePredicate(const KeySpec& spec, const KeyRange& r, bool qualified) {
  std::string lo = r.lo ? TupleCompare(spec, ">", *r.lo, qualified) : "";
  std::string hi = r.hi ? TupleCompare(spec, "<=", *r.hi, qualified) : "";
  if (lo.empty()) return hi;
  if (hi.empty()) return lo;
  return lo + " AND " + hi;
}

bool SameKey(const KeyTuple& a, const KeyTuple& b) { return a == b; }

bool SameBound(const std::optional<KeyTuple>& a, const std::optional<KeyTuple>& b) {
  if (!a || !b) return !a && !b;
  return SameKey(*a, *b);
}

std::optional<std::string> EncodeBound(const std::optional<KeyTuple>& bound) {
  if (!bound) return std::nullopt;
  nlohmann::json arr = nlohmann::json::array();
  for (const Cell& c : *bound) {
    if (c) {
      arr.push_back(Hex(*c));
    } else {
      arr.push_back(nullptr);
    }
  }
  return arr.dump();
}

Result<std::optional<KeyTuple>> DecodeBound(const std::optional<std::string>& text) {
  if (!text) return std::optional<KeyTuple>();
  nlohmann::json arr = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!arr.is_array()) return RuntimeError("checkpoint key is not a JSON array: " + *text);
  KeyTuple out;
  for (const auto& v : arr) {
    if (v.is_null()) {
      out.emplace_back(std::nullopt);
    } else if (v.is_string()) {
      SLUICE_ASSIGN(std::string bytes, Unhex(v.get<std::string>()));
      out.emplace_back(std::move(bytes));
    } else {
      return RuntimeError("checkpoint key holds a non-string value: " + *text);
    }
  }
  return std::optional<KeyTuple>(std::move(out));
}

}  // namespace sluice::chunk
