import MoteDrivers
import MoteHAL
import MoteNode
import MoteSimulation

/// The default simulated board: one of every part Mote has a driver for, each on its model,
/// so `mote --jsonl` shows them all. Frames carry the BME280's channels (11 bytes, the US915
/// DR0 limit); the other parts are readings.
enum SimulatedBoard {
    static func node<C: Clock, Sink: EventSink>(clock: C, sink: Sink, faults: [Options.FaultSpec]) -> Node<C, Sink> {
        let i2c = SimulatedI2CBus(name: "sim-i2c-1")
        let bme280 = BME280Model(address: 0x76, clock: clock)
        for spec in faults {
            bme280.inject(spec.fault, from: .zero + .seconds(spec.from), until: spec.until.map { .zero + .seconds($0) })
        }
        i2c.attach(bme280)
        let node = Node(sensor: BME280(bus: i2c, address: 0x76), clock: clock, sink: sink)

        // A door contact: open for 2.5 s at 12.3 s into every minute.
        let door = SimulatedGPIOLine(name: "DOOR", clock: clock, debounce: .milliseconds(20))
        for minute in 0..<(24 * 60) {
            let start = Int64(minute) * 60_000
            door.change(to: true, at: .zero + .milliseconds(start + 12_300))
            door.change(to: false, at: .zero + .milliseconds(start + 14_800))
        }
        node.add(DigitalInput(pin: door, name: "door"))

        // A tipping-bucket rain gauge: a tip every 7 s for the first hour, each bouncing.
        let rain = SimulatedGPIOLine(name: "RAIN", clock: clock, edge: .rising, debounce: .milliseconds(10))
        rain.pulses(count: 514, start: .zero + .milliseconds(3_500), period: .seconds(7), width: .milliseconds(80), bounces: 3)
        node.add(PulseCounter(pin: rain, name: "rain", unit: "mm", perPulse: 0.2794), interval: .seconds(10))

        // A DS18B20 on the w1 bus, read every 10 s (each read blocks for its 750 ms conversion).
        let w1 = DS18B20Model(clock: clock)
        node.add(DS18B20(bus: w1, id: w1.id), interval: .seconds(10))
        return node
    }

    /// The parts `mote --list-drivers` prints: name, bus, what it measures.
    static let parts: [(part: String, bus: String, measures: String)] = [
        (BME280<SimulatedI2CBus>.part, "i2c", "temperature, humidity, pressure (Bosch)"),
        (DS18B20<DS18B20Model>.part, "1-wire", "temperature (Maxim, through the kernel's w1_therm)"),
        (DigitalInput<SimulatedGPIOLine>.part, "gpio", "a contact, button or PIR: level and changes"),
        (PulseCounter<SimulatedGPIOLine>.part, "gpio", "pulses: total and rate (rain gauge, anemometer, flow meter)"),
        (PowerSwitched<BME280<SimulatedI2CBus>, SimulatedGPIOLine>.part, "gpio", "powers another part only around its reading"),
    ]
}
