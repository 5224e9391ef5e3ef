import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Sentences from the NMEA 0183 reference examples, and others with their checksums worked
/// out by hand (XOR of the bytes between $ and *).
private enum Sentences {
    static let gga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"
    static let rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A"
    static let southWest = "$GNGGA,001043.00,3351.8123,S,15112.5678,W,2,12,0.8,-12.5,M,20.0,M,,*6C"
    static let gsv = "$GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45*75"
    static let noFixGGA = "$GPGGA,002153,,,,,0,00,99.99,,,,,,*4D"
    static let noFixRMC = "$GPRMC,002154,V,,,,,,,230394,,*3C"
}

private func ms(_ value: Int64) -> Instant { .zero + .milliseconds(value) }
private func line(_ text: String) -> [UInt8] { Array(text.utf8) + [0x0D, 0x0A] }

@Suite struct NMEAGPSTests {
    let clock = VirtualClock()

    func gps(_ chunks: [(at: Instant, bytes: [UInt8])]) -> NMEAGPS<ScriptedSerialPort, VirtualClock> {
        NMEAGPS(port: ScriptedSerialPort(clock: clock, chunks: chunks), clock: clock)
    }

    @Test func theChecksumIsTheXorBetweenDollarAndStar() {
        #expect(NMEAChecksum.checksum(Array("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,".utf8)) == 0x47)
        #expect(NMEAChecksum.sentence(Array("GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45".utf8)) == Array(Sentences.gsv.utf8))
        #expect(NMEAChecksum.body(of: Array("$GPGGA,1*4".utf8)) == .failure(.noChecksum))
        #expect(NMEAChecksum.body(of: Array("GPGGA,1*47".utf8)) == .failure(.noStart))
        #expect(NMEAChecksum.body(of: Array("$A*41".utf8)) == .success(Array("A".utf8)[...]))
        #expect(NMEAChecksum.body(of: Array("$A*4a".utf8)) == .failure(.mismatch(expected: 0x41, found: 0x4A)))
    }

    @Test func theReferenceGGAGivesPositionAltitudeAndSatellites() throws {
        var gps = gps([(ms(100), line(Sentences.gga))])
        let values = try gps.read(clock: clock)
        #expect(values.count == 4)
        #expect(abs(values[0]! - 48.1173) < 1e-9)          // 48° 07.038'
        #expect(abs(values[1]! - 11.516666667) < 1e-9)     // 11° 31.000'
        #expect(values[2] == 545.4)
        #expect(values[3] == 8)
        #expect(gps.counters.sentences == 1 && gps.counters.rejected == 0)
    }

    @Test func southAndWestAreNegativeAndAltitudeCanBe() throws {
        var gps = gps([(ms(100), line(Sentences.southWest))])
        let fix = try gps.fix()
        #expect(abs(fix.latitude - -(33 + 51.8123 / 60)) < 1e-9)
        #expect(abs(fix.longitude - -(151 + 12.5678 / 60)) < 1e-9)
        #expect(fix.altitude == -12.5)
        #expect(fix.satellites == 12)
    }

    @Test func rmcAloneGivesAPositionWithoutAltitude() throws {
        var gps = gps([(ms(100), line(Sentences.rmc))])
        let values = try gps.read(clock: clock)
        #expect(abs(values[0]! - 48.1173) < 1e-9)
        #expect(values[2] == nil && values[3] == nil)
    }

    @Test func aBurstIsTakenWholeAndOtherSentencesArePassedOver() throws {
        var gps = gps([(ms(100), line(Sentences.gga) + line(Sentences.gsv) + line(Sentences.rmc))])
        _ = try gps.read(clock: clock)
        #expect(gps.counters.sentences == 2)
        #expect(gps.counters.ignored == 1)
        #expect(gps.lastRMC?.sentence.valid == true)
    }

    @Test func badChecksumsAndMalformedSentencesAreCountedAndSkipped() throws {
        var wrong = Array(Sentences.gga.utf8)
        wrong[wrong.count - 1] = UInt8(ascii: "8")
        let cut = Array("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M".utf8)  // no checksum
        let bad = Array("$GPGGA,123519,4867.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*".utf8)  // 67 minutes
        let sum = NMEAChecksum.checksum(bad.dropFirst().dropLast())
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var gps = gps([(ms(100), wrong + [0x0A] + cut + [0x0A] + bad + [hex[Int(sum >> 4)], hex[Int(sum & 15)], 0x0A]
                                 + line(Sentences.gga))])
        let values = try gps.read(clock: clock)
        #expect(values[3] == 8)
        #expect(gps.counters.checksum == 1)
        #expect(gps.counters.malformed == 2)
        #expect(gps.counters.sentences == 1)
    }

    @Test func onlyRefusedSentencesFailWithTheLastRefusal() {
        var wrong = Array(Sentences.gga.utf8)
        wrong[wrong.count - 1] = UInt8(ascii: "8")
        var gps = gps([(ms(100), wrong + [0x0D, 0x0A])])
        #expect(throws: SensorError(.checksum, "checksum mismatch: expected 0x47, found 0x48")) { try gps.read(clock: clock) }
        #expect(clock.now() == ms(2000))
        #expect(gps.counters.timeouts == 1)
    }

    @Test func qualityZeroIsNoFix() {
        var gps = gps([(ms(100), line(Sentences.noFixGGA) + line(Sentences.noFixRMC))])
        #expect(throws: SensorError(.device, "no fix (quality 0, 0 satellites)")) { try gps.read(clock: clock) }
    }

    @Test func statusVAfterAFixIsNoFix() throws {
        var gps = gps([(ms(100), line(Sentences.gga)), (ms(1100), line(Sentences.noFixRMC))])
        _ = try gps.read(clock: clock)
        #expect(throws: SensorError(.device, "no fix (status V)")) { try gps.read(clock: clock) }
    }

    @Test func aFixOlderThanTheMaximumAgeIsStale() throws {
        var gps = gps([(ms(100), line(Sentences.gga))])
        _ = try gps.read(clock: clock)
        clock.sleep(until: ms(10_100))
        #expect(try gps.currentFix().satellites == 8)       // 10 s old: still good
        clock.sleep(until: ms(10_101))
        #expect(throws: NMEAError.noFix("no fix in the last 10 s")) { try gps.currentFix() }
        #expect(NMEAError.noFix("no fix in the last 10 s").sensorError == SensorError(.device, "no fix in the last 10 s"))
    }

    @Test func silenceIsATimeout() {
        var gps = gps([])
        #expect(throws: SensorError(.timeout, "no GGA or RMC sentence in time")) { try gps.read(clock: clock) }
        #expect(clock.now() == ms(2000))
        #expect(throws: NMEAError.noFix("no fix yet")) { try gps.currentFix() }
    }

    @Test func channels() {
        let gps = gps([])
        #expect(gps.channels == [ChannelSpec(name: "latitude", unit: "deg", symbol: "°", decimals: 6),
                                 ChannelSpec(name: "longitude", unit: "deg", symbol: "°", decimals: 6),
                                 ChannelSpec(name: "altitude", unit: "m", decimals: 1),
                                 ChannelSpec(name: "satellites", unit: "count", decimals: 0)])
    }
}
