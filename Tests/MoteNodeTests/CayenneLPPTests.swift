import Testing
import MoteNode

@Suite struct CayenneLPPTests {
    func frame(_ records: [(UInt8, CayenneLPP.DataType, Double)], capacity: Int = 222) throws -> [UInt8] {
        var lpp = CayenneLPP(capacity: capacity)
        for (channel, type, value) in records { try lpp.add(channel: channel, type, value) }
        return lpp.bytes
    }

    /// The published examples of the CayenneLPP documentation.
    @Test func publishedTemperatureVectors() throws {
        #expect(try frame([(3, .temperature, 27.2), (5, .temperature, 25.5)]) == [0x03, 0x67, 0x01, 0x10, 0x05, 0x67, 0x00, 0xFF])
        #expect(try frame([(1, .temperature, -4.1)]) == [0x01, 0x67, 0xFF, 0xD7])
    }

    @Test func humidityAndBarometerRecords() throws {
        #expect(try frame([(2, .humidity, 51.1)]) == [0x02, 0x68, 0x66])               // 102 × 0.5 %
        #expect(try frame([(3, .barometer, 1006.5277)]) == [0x03, 0x73, 0x27, 0x51])   // 10065 × 0.1 hPa
        #expect(try frame([(1, .illuminance, 65535)]) == [0x01, 0x65, 0xFF, 0xFF])
        #expect(try frame([(4, .analogInput, -3.27)]) == [0x04, 0x02, 0xFE, 0xB9])     // -327 × 0.01
        #expect(try frame([(6, .digitalInput, 1)]) == [0x06, 0x00, 0x01])
    }

    @Test func tiesRoundAwayFromZero() throws {
        #expect(try frame([(1, .temperature, 27.25)]) == [0x01, 0x67, 0x01, 0x11])     // 273
        #expect(try frame([(1, .temperature, -4.05)]) == [0x01, 0x67, 0xFF, 0xD7])     // -41
        #expect(try frame([(1, .humidity, 50.25)]) == [0x01, 0x68, 0x65])              // 100.5 → 101
    }

    @Test func valuesOutsideTheFieldAreRefused() {
        #expect(throws: FrameError.valueOutOfRange(channel: 1, type: "temperature", value: 3276.8)) {
            try frame([(1, .temperature, 3276.8)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 2, type: "humidity", value: 128)) {
            try frame([(2, .humidity, 128)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 3, type: "barometer", value: -1)) {
            try frame([(3, .barometer, -1)])
        }
        #expect(throws: FrameError.valueOutOfRange(channel: 1, type: "temperature", value: .infinity)) {
            try frame([(1, .temperature, .infinity)])
        }
        #expect(FrameError.valueOutOfRange(channel: 2, type: "humidity", value: 128).description
                == "channel 2 humidity: 128.000 does not fit the field")
        // The extremes that do fit.
        #expect((try? frame([(1, .temperature, 3276.7), (1, .temperature, -3276.8)])) == [0x01, 0x67, 0x7F, 0xFF, 0x01, 0x67, 0x80, 0x00])
    }

    @Test func aRecordBeyondTheLinkLimitIsRefusedAndTheFrameKept() throws {
        var lpp = CayenneLPP(capacity: 11)
        try lpp.add(channel: 1, .temperature, 20)
        try lpp.add(channel: 2, .humidity, 40)
        try lpp.add(channel: 3, .barometer, 1000)
        #expect(lpp.bytes.count == 11)
        #expect(throws: FrameError.tooLarge(needed: 15, capacity: 11)) { try lpp.add(channel: 4, .temperature, 1) }
        #expect(lpp.bytes.count == 11)
    }
}

@Suite struct FilterAndTextTests {
    @Test func emaFollowsItsRecurrence() {
        var ema = ExponentialMovingAverage(alpha: 0.2)
        let outputs = [10.0, 20, 20, 0].map { ema.update($0) }
        // y0 = x0; y = y + 0.2 (x - y): 10, 12, 13.6, 10.88 (worked by hand).
        for (output, expected) in zip(outputs, [10, 12, 13.6, 10.88]) {
            #expect(abs(output - expected) < 1e-12)
        }
        ema.reset()
        #expect(ema.value == nil)
        #expect(ema.update(5) == 5)
    }

    @Test func alphaOnePassesThrough() {
        var ema = ExponentialMovingAverage(alpha: 1)
        #expect([3.0, -7, 11].map { ema.update($0) } == [3, -7, 11])
    }

    @Test func decimalTextIsFixedPoint() {
        #expect(DecimalText.format(25.08, decimals: 2) == "25.08")
        #expect(DecimalText.format(-0.004, decimals: 2) == "0.00")
        #expect(DecimalText.format(-1.5, decimals: 0) == "-2")
        #expect(DecimalText.format(100653.25390625, decimals: 2) == "100653.25")
        #expect(DecimalText.format(0.05, decimals: 3) == "0.050")
        #expect(DecimalText.format(-12.3456, decimals: 3) == "-12.346")
        #expect(DecimalText.format(.nan, decimals: 2) == "nan")
        #expect(DecimalText.format(-.infinity, decimals: 2) == "-inf")
        #expect(JSONText.number(.nan, decimals: 2) == "null")
    }

    @Test func jsonStringsAreEscaped() {
        #expect(JSONText.quoted("a\"b\\c\nd\u{1}é") == "\"a\\\"b\\\\c\\nd\\u0001é\"")
    }
}
