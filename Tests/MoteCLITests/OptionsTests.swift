import Testing
import MoteNode
import MoteCLI

@Suite struct OptionsTests {
    func parse(_ arguments: [String]) -> Options? {
        if case .success(let options) = Options.parse(arguments) { return options }
        return nil
    }

    func error(_ arguments: [String]) -> String? {
        if case .failure(let error) = Options.parse(arguments) { return error.message }
        return nil
    }

    @Test func noArgumentsIsTheSimulatedBoard() {
        #expect(parse([]) == Options())
    }

    @Test func optionsAndValues() {
        var expected = Options()
        expected.output = .jsonl
        expected.frames = 20
        expected.realtime = true
        #expect(parse(["--jsonl", "--frames", "20", "--realtime"]) == expected)
        #expect(parse(["--jsonl", "--frames=20", "--realtime"]) == expected)
        #expect(parse(["--bench-samples", "100000"])?.benchSamples == 100000)
        #expect(parse(["-h"])?.help == true)
    }

    @Test func faultsWithAndWithoutWindows() {
        #expect(parse(["--fault", "nak"])?.faults == [Options.FaultSpec(fault: .nakAddress, from: 0, until: nil)])
        #expect(parse(["--fault=chip-id@3-9"])?.faults == [Options.FaultSpec(fault: .wrongChipID(0x58), from: 3, until: 9)])
        #expect(parse(["--fault", "stuck@0-1", "--fault", "nak@5-6"])?.faults.count == 2)
    }

    @Test func aRealAdapter() {
        #expect(parse(["--i2c-bus", "/dev/i2c-1"])?.i2cBus == "/dev/i2c-1")
        #expect(parse(["--i2c-bus", "/dev/i2c-1"])?.i2cAddress == 0x76)
        #expect(parse(["--i2c-bus=/dev/i2c-1", "--i2c-address", "0x77"])?.i2cAddress == 0x77)
        #expect(error(["--i2c-bus", "/dev/i2c-1", "--i2c-address", "0x40"]) == "a BME280 answers at 0x76 or 0x77, not '0x40'")
        #expect(error(["--i2c-bus", "/dev/i2c-1", "--fault", "nak"]) == "--bench-samples and --fault need the simulated board; drop --i2c-bus")
    }

    @Test func badInputIsNamed() {
        #expect(error(["--bogus"]) == "unknown option '--bogus'")
        #expect(error(["frames"]) == "unexpected argument 'frames'")
        #expect(error(["--frames"]) == "option --frames needs a value")
        #expect(error(["--frames", "0"]) == "option --frames needs a positive whole number, not '0'")
        #expect(error(["--frames", "ten"]) == "option --frames needs a positive whole number, not 'ten'")
        #expect(error(["--jsonl=yes"]) == "option --jsonl takes no value")
        #expect(error(["--fault", "smoke"]) == "unknown fault 'smoke' (expected nak, chip-id or stuck)")
        #expect(error(["--fault", "nak@9-3"]) == "fault window '9-3' must be A-B seconds with A < B")
        #expect(error(["--realtime", "--bench-samples", "10"]) == "--bench-samples runs on the virtual clock; drop --realtime")
    }

    @Test func downlinksForTheSimulatedModem() {
        #expect(parse(["--config", "n.toml", "--downlink", "10:0100000258", "--downlink=3:ff"])?.downlinks
                == [Downlink(port: 10, bytes: [0x01, 0x00, 0x00, 0x02, 0x58]), Downlink(port: 3, bytes: [0xFF])])
        let needs = "option --downlink needs PORT:HEX with a port of 1...223 and at least one byte (10:0300), not "
        #expect(error(["--config", "n.toml", "--downlink", "10"]) == needs + "'10'")
        #expect(error(["--config", "n.toml", "--downlink", "0:03"]) == needs + "'0:03'")
        #expect(error(["--config", "n.toml", "--downlink", "10:0"]) == needs + "'10:0'")
        #expect(error(["--config", "n.toml", "--downlink", "10:"]) == needs + "'10:'")
        #expect(error(["--downlink", "10:03"]) == "--downlink is for the simulated modem of a --config run on the virtual clock")
        #expect(error(["--config", "n.toml", "--realtime", "--downlink", "10:03"])
                == "--downlink is for the simulated modem of a --config run on the virtual clock")
    }

    @Test func benchFrames() {
        #expect(parse(["--bench-frames", "20000"])?.benchFrames == 20000)
        #expect(parse(["--bench-frames=5"])?.benchFormat == nil)
        #expect(parse(["--bench-frames", "5", "--bench-format", "cayennelpp"])?.benchFormat == .cayenneLPP)
        #expect(parse(["--bench-frames", "5", "--bench-format=mote"])?.benchFormat == .compact)
        #expect(parse(["--bench-format", "senml+cbor", "--bench-frames", "5"])?.benchFormat == .senML)
        #expect(error(["--bench-frames"]) == "option --bench-frames needs a value")
        #expect(error(["--bench-frames", "0"]) == "option --bench-frames needs a positive whole number, not '0'")
        #expect(error(["--bench-frames", "-3"]) == "option --bench-frames needs a positive whole number, not '-3'")
        #expect(error(["--bench-frames", "5", "--bench-format", "senml"])
                == "option --bench-format needs cayennelpp, mote or senml+cbor, not 'senml'")
        #expect(error(["--bench-format", "mote"]) == "--bench-format needs --bench-frames")
        let alone = "--bench-frames runs no node; drop --config, --i2c-bus, --bench-samples, --fault, --realtime and --frames"
        #expect(error(["--bench-frames", "5", "--config", "node.toml"]) == alone)
        #expect(error(["--bench-frames", "5", "--bench-samples", "10"]) == alone)
        #expect(error(["--bench-frames", "5", "--i2c-bus", "/dev/i2c-1"]) == alone)
        #expect(error(["--bench-frames", "5", "--fault", "nak"]) == alone)
        #expect(error(["--bench-frames", "5", "--realtime"]) == alone)
        #expect(error(["--bench-frames", "5", "--frames", "2"]) == alone)
    }
}

@Suite struct SoakOptionsTests {
    func error(_ arguments: [String]) -> String? {
        if case .failure(let error) = Options.parse(arguments) { return error.message }
        return nil
    }

    @Test func simStartAndFaults() {
        guard case .success(let options) = Options.parse(["--config", "n.toml", "--sim-start", "10d2h", "--faults=f.txt"]) else {
            Issue.record("not parsed")
            return
        }
        #expect(options.simStart == .seconds(10 * 86_400 + 7_200))
        #expect(options.faultsFile == "f.txt")
        guard case .success(let zero) = Options.parse(["--config", "n.toml", "--sim-start", "0s"]) else {
            Issue.record("not parsed")
            return
        }
        #expect(zero.simStart == .zero)
    }

    @Test func theirMistakes() {
        #expect(error(["--config", "n.toml", "--sim-start", "ten"]) == "option --sim-start needs a duration such as 3d or 36h (0s for the start), not 'ten'")
        #expect(error(["--config", "n.toml", "--faults"]) == "option --faults needs a value")
        #expect(error(["--sim-start", "1d"]) == "--sim-start and --faults need --config")
        #expect(error(["--faults", "f.txt"]) == "--sim-start and --faults need --config")
        #expect(error(["--config", "n.toml", "--realtime", "--faults", "f.txt"]) == "--sim-start and --faults run on the virtual clock; drop --realtime")
    }
}
