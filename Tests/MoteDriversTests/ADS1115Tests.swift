import Testing
import MoteDrivers
import MoteHAL
import MoteSimulation

/// Registers and bits of the ADS1115 datasheet (SBAS444), re-declared so a wrong driver constant fails.
private enum Datasheet {
    static let address: UInt8 = 0x48
    static let conversion: UInt8 = 0x00, config: UInt8 = 0x01
    /// OS=1, MUX=100 (AIN0), PGA=001 (±4.096 V), MODE=1, DR=100 (128 SPS), COMP_QUE=11.
    static let configAIN0FS4096SPS128: UInt16 = 0b1_100_001_1_100_0_0_0_11
    /// OS=1, MUX=101 (AIN1), PGA=010 (±2.048 V), MODE=1, DR=111 (860 SPS), COMP_QUE=11.
    static let configAIN1FS2048SPS860: UInt16 = 0b1_101_010_1_111_0_0_0_11
    /// 1/128 s + 10 % + 100 µs.
    static let conversionNanoseconds128: Int64 = (7812 + 781 + 100) * 1000
}

@Suite struct ADS1115ConversionTests {
    @Test func configurationWordsMatchTheRegisterMap() {
        #expect(ADS1115Channel(name: "a", input: .ain0, fullScale: .volts4_096).configuration(dataRate: .sps128) == Datasheet.configAIN0FS4096SPS128)
        #expect(ADS1115Channel(name: "b", input: .ain1, fullScale: .volts2_048).configuration(dataRate: .sps860) == Datasheet.configAIN1FS2048SPS860)
        #expect(ADS1115Channel(name: "c", input: .ain3, fullScale: .volts0_256).configuration(dataRate: .sps8) == 0b1_111_101_1_000_0_0_0_11)
    }

    @Test func voltsAreRawTimesFullScaleOver32768() {
        #expect(ADS1115FullScale.volts4_096.volts(0x4000) == 2.048)
        #expect(ADS1115FullScale.volts6_144.volts(1) == 0.0001875)     // datasheet table 3: 187.5 µV LSB
        #expect(ADS1115FullScale.volts0_256.volts(-32768) == -0.256)
        #expect(ADS1115FullScale.volts2_048.volts(0x7FFF) == 2.048 * 32767 / 32768)
    }

    @Test func conversionTimeFollowsTheDataRate() {
        #expect(ADS1115DataRate.sps128.conversionMicroseconds * 1000 == Datasheet.conversionNanoseconds128)
        #expect(ADS1115DataRate.sps860.conversionMicroseconds == 1162 + 116 + 100)
        #expect(ADS1115DataRate.sps8.conversionMicroseconds == 125_000 + 12_500 + 100)
    }
}

@Suite struct ADS1115BusTests {
    typealias Step = ScriptedI2CBus.Step
    let a = Datasheet.address
    let channels = [ADS1115Channel(name: "soil_moisture_v", input: .ain0, fullScale: .volts4_096),
                    ADS1115Channel(name: "loop_v", input: .ain1, fullScale: .volts2_048)]

    @Test func eachChannelIsOneSingleShotConversion() throws {
        let bus = ScriptedI2CBus([
            .writeRead(a, [Datasheet.config], response: [0x85, 0x83]),                 // start: reset value
            .write(a, [Datasheet.config, 0xC3, 0x83]),
            .writeRead(a, [Datasheet.config], response: [0x43, 0x83]),                 // OS = 0: busy
            .writeRead(a, [Datasheet.config], response: [0xC3, 0x83]),                 // OS = 1: idle
            .writeRead(a, [Datasheet.conversion], response: [0x40, 0x00]),             // 2.048 V
            .write(a, [Datasheet.config, 0xD5, 0x83]),
            .writeRead(a, [Datasheet.config], response: [0xD5, 0x83]),
            .writeRead(a, [Datasheet.conversion], response: [0xE0, 0x00]),             // -0.512 V
        ])
        let clock = VirtualClock()
        var adc = ADS1115(bus: bus, inputs: channels)
        try adc.setUp(clock: clock)
        #expect(try adc.read(clock: clock) == [2.048, -0.512])
        // Two conversion periods and one 1 ms poll.
        #expect(clock.now() == Instant(nanoseconds: 2 * Datasheet.conversionNanoseconds128 + 1_000_000))
        #expect(bus.done, "\(bus.report)")
    }

    @Test func channelsAreNamedByTheCaller() {
        let adc = ADS1115(bus: ScriptedI2CBus([]), address: 0x4B, inputs: channels)
        #expect(adc.channels == [ChannelSpec(name: "soil_moisture_v", unit: "V", decimals: 4),
                                 ChannelSpec(name: "loop_v", unit: "V", decimals: 4)])
        #expect(adc.location == "ads1115@0x4b")
        #expect(ADS1115<ScriptedI2CBus>.part == "ADS1115")
    }

    @Test func aClippedCodeIsRejected() {
        let bus = ScriptedI2CBus([
            .write(a, [Datasheet.config, 0xC3, 0x83]),
            .writeRead(a, [Datasheet.config], response: [0xC3, 0x83]),
            .writeRead(a, [Datasheet.conversion], response: [0x7F, 0xFF]),
        ])
        var adc = ADS1115(bus: bus, inputs: [channels[0]])
        #expect(throws: SensorError(.outOfRange, "soil_moisture_v: code 0x7fff clipped at the full scale")) { try adc.read(clock: VirtualClock()) }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aConversionThatNeverEndsTimesOut() {
        let busy = Array(repeating: Step.writeRead(a, [Datasheet.config], response: [0x43, 0x83]), count: 11)
        let bus = ScriptedI2CBus([.write(a, [Datasheet.config, 0xC3, 0x83])] + busy)
        var adc = ADS1115(bus: bus, inputs: [channels[0]])
        #expect(throws: ADS1115Error.timeout(register: 0x01)) { try adc.convert(channels[0], clock: VirtualClock()) }
        #expect(bus.done, "\(bus.report)")
    }

    @Test func aNAKNamesTheRegister() {
        let bus = ScriptedI2CBus([.fail(.write(a, [Datasheet.config, 0xC3, 0x83]), .noAcknowledge(.address))])
        var adc = ADS1115(bus: bus, inputs: [channels[0]])
        #expect(throws: SensorError(.bus, "register 0x01: transaction on scripted-i2c at 0x48: no acknowledge (address)")) {
            try adc.read(clock: VirtualClock())
        }
    }
}
