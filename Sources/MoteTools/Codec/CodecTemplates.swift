/// The fixed JavaScript of the generated codecs, ECMAScript 5.1 only: `var` and `function`, no
/// let/const, arrow functions, template literals or classes. `PayloadCodec` puts the node's
/// tables (PORT, FIELDS, SCHEMA, LPP_TYPES) in front of one of the decoders and the entry point.
enum CodecTemplates {
    static let cayenneLPP = #"""
        // CayenneLPP: a sequence of records, each a channel byte, a type byte and the value. A channel
        // the node file frames gets its name and its scale divided back out; any other channel is kept
        // as <type>_<channel>, with a warning.
        function decodeFrame(bytes, data, warnings, errors) {
          if (bytes.length === 0) {
            errors.push("empty frame: no CayenneLPP record");
            return;
          }
          var at = 0;
          while (at < bytes.length) {
            if (at + 2 > bytes.length) {
              errors.push("byte " + at + ": the frame ends inside a record header (channel " + bytes[at] + ", no type)");
              return;
            }
            var channel = bytes[at];
            var code = bytes[at + 1];
            if (!own(LPP_TYPES, code)) {
              errors.push("byte " + (at + 1) + ": unknown CayenneLPP type " + code + " (channel " + channel + ")");
              return;
            }
            var type = LPP_TYPES[code];
            var size = 0;
            for (var i = 0; i < type.parts.length; i++) {
              size += type.parts[i][1];
            }
            if (at + 2 + size > bytes.length) {
              errors.push("channel " + channel + " " + type.name + ": the record needs " + size +
                " value bytes, the frame has " + (bytes.length - at - 2) + " left");
              return;
            }
            var field = own(FIELDS, channel) ? FIELDS[channel] : null;
            var name = type.name + "_" + channel;
            var scale = 1;
            var decimals = 0;
            if (field !== null && field.type === type.name) {
              name = field.name;
              scale = field.scale;
              decimals = field.decimals;
            } else if (field !== null) {
              warnings.push("channel " + channel + " is " + field.name + " (" + field.type +
                ") in the node file, but the record is " + type.name + ": kept as " + name);
            } else {
              warnings.push("channel " + channel + " is not in the node file: kept as " + name);
            }
            if (own(data, name)) {
              warnings.push(name + " appears twice in the frame: the last record is kept");
            }
            data[name] = readValue(bytes, at + 2, type.parts, scale, decimals);
            at += 2 + size;
          }
        }

        // A scalar type's number, or an object of the parts (x/y/z, latitude/longitude/altitude, r/g/b).
        function readValue(bytes, at, parts, scale, decimals) {
          var value = {};
          for (var i = 0; i < parts.length; i++) {
            var part = parts[i];
            var number = readInteger(bytes, at, part[1], part[3]) / part[2];
            if (scale !== 1) {
              number = round(number / scale, decimals);
            }
            if (part[0] === null) {
              return number;
            }
            value[part[0]] = number;
            at += part[1];
          }
          return value;
        }

        function readInteger(bytes, at, size, signed) {
          var value = 0;
          for (var i = 0; i < size; i++) {
            value = value * 256 + bytes[at + i];
          }
          if (signed && value >= Math.pow(2, 8 * size - 1)) {
            value -= Math.pow(2, 8 * size);
          }
          return value;
        }


        """#

    static let mote = #"""
        // The compact Mote frame, layout version 1: a header byte (bits 7-6 the version, 5-2 the schema
        // id, 1 "more", 0 "continued"), then a bit stream, most significant bit first: one presence bit
        // per field; for each present field n - 1 in 3 bits, the first code, and when n > 1 a delta
        // width w in 5 bits and n - 1 zigzag deltas of w bits; zero bits up to a whole byte.
        function decodeFrame(bytes, data, warnings, errors) {
          if (bytes.length === 0) {
            errors.push("empty frame");
            return;
          }
          var header = bytes[0];
          var version = header >> 6;
          if (version !== 1) {
            errors.push("layout version " + version + ": this codec reads version 1");
            return;
          }
          var schema = (header >> 2) & 15;
          if (schema !== SCHEMA) {
            errors.push("schema " + schema + ": this node's schema is " + SCHEMA);
            return;
          }
          var reader = { bytes: bytes, bit: 8 };
          var present = [];
          var count = 0;
          var i;
          for (i = 0; i < FIELDS.length; i++) {
            var bit = readBits(reader, 1);
            if (bit < 0) {
              errors.push("the frame ends inside the presence bits");
              return;
            }
            present.push(bit === 1);
            count += bit;
          }
          if (count === 0) {
            errors.push("no field present");
            return;
          }
          data.schema = schema;
          var samples = {};
          var sampled = false;
          for (i = 0; i < FIELDS.length; i++) {
            if (!present[i]) {
              continue;
            }
            var field = FIELDS[i];
            var codes = readRun(reader, field, errors);
            if (codes === null) {
              return;
            }
            var values = [];
            for (var k = 0; k < codes.length; k++) {
              values.push(codeValue(field, codes[k], warnings));
            }
            data[field.name] = values[values.length - 1];
            if (values.length > 1) {
              samples[field.name] = values;
              sampled = true;
            }
          }
          var padding = (8 - reader.bit % 8) % 8;
          if (padding > 0 && readBits(reader, padding) !== 0) {
            errors.push("the padding bits are not zero");
            return;
          }
          var left = bytes.length - reader.bit / 8;
          if (left > 0) {
            errors.push(left + (left === 1 ? " byte" : " bytes") + " left over after the last field");
            return;
          }
          if (sampled) {
            data.samples = samples;
          }
          if ((header & 2) !== 0) {
            data.more = true;
          }
          if ((header & 1) !== 0) {
            data.continued = true;
          }
        }

        // A field's codes, oldest first; null (and an error) when the frame ends inside it or a delta
        // leads outside the field's codes.
        function readRun(reader, field, errors) {
          var n = readBits(reader, 3);
          var code = n < 0 ? -1 : readBits(reader, field.bits);
          var width = n > 0 && code >= 0 ? readBits(reader, 5) : 0;
          if (code < 0 || width < 0) {
            errors.push(field.name + ": the frame ends inside the field");
            return null;
          }
          var top = Math.pow(2, field.bits) - 1;
          var codes = [code];
          for (var k = 1; k <= n; k++) {
            var zigzag = width === 0 ? 0 : readBits(reader, width);
            if (zigzag < 0) {
              errors.push(field.name + ": the frame ends inside the field");
              return null;
            }
            code += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
            if (code < 0 || code > top) {
              errors.push(field.name + ": value " + (k + 1) + " comes to code " + code + ", outside 0..." + top);
              return null;
            }
            codes.push(code);
          }
          return codes;
        }

        // The next count bits as a number, or -1 past the end of the frame.
        function readBits(reader, count) {
          if (reader.bit + count > reader.bytes.length * 8) {
            return -1;
          }
          var value = 0;
          for (var i = 0; i < count; i++) {
            value = value * 2 + ((reader.bytes[reader.bit >> 3] >> (7 - (reader.bit & 7))) & 1);
            reader.bit++;
          }
          return value;
        }

        // min + code * resolution, or null for the all-ones "no value" code.
        function codeValue(field, code, warnings) {
          if (code === Math.pow(2, field.bits) - 1) {
            return null;
          }
          if (code > field.steps) {
            warnings.push(field.name + ": code " + code + " is beyond the range's " + field.steps + " steps");
          }
          return round(field.min + code * field.resolution, field.decimals);
        }


        """#

    static let entry = #"""
        function decodeUplink(input) {
          var data = {};
          var warnings = [];
          var errors = [];
          var bytes = input ? input.bytes : undefined;
          if (!isByteArray(bytes)) {
            errors.push("input.bytes is not an array of bytes");
          } else if (typeof input.fPort === "number" && input.fPort !== PORT) {
            errors.push("FPort " + input.fPort + ": this node sends its frames on FPort " + PORT);
          } else {
            decodeFrame(bytes, data, warnings, errors);
          }
          return { data: errors.length > 0 ? {} : data, warnings: warnings, errors: errors };
        }

        function isByteArray(bytes) {
          if (bytes === null || typeof bytes !== "object" || typeof bytes.length !== "number") {
            return false;
          }
          for (var i = 0; i < bytes.length; i++) {
            var b = bytes[i];
            if (typeof b !== "number" || b < 0 || b > 255 || b !== Math.floor(b)) {
              return false;
            }
          }
          return true;
        }

        function own(object, key) {
          return Object.prototype.hasOwnProperty.call(object, key);
        }

        // value rounded to decimals (ties away from zero, as toFixed does), without a negative zero.
        function round(value, decimals) {
          var rounded = parseFloat(value.toFixed(decimals));
          return rounded === 0 ? 0 : rounded;
        }

        """#
}
