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

        // The rest of the I2C parts on the same bus. The SHT4x is powered only around its
        // readings, by a GPIO output (datasheet power-up time 1 ms).
        let sht4xPower = SimulatedGPIOLine(name: "SHT4X_PWR", clock: clock)
        i2c.attach(SHT4xModel(address: 0x44, clock: clock))
        node.add(PowerSwitched(SHT4x(bus: i2c, address: 0x44), power: sht4xPower, warmUp: .milliseconds(1)), interval: .seconds(5))
        i2c.attach(SHT3xModel(address: 0x45, clock: clock))
        node.add(SHT3x(bus: i2c, address: 0x45), interval: .seconds(5))
        i2c.attach(BH1750Model(address: 0x23, clock: clock))
        node.add(BH1750(bus: i2c, address: 0x23), interval: .seconds(5))
        // Soil moisture as a voltage on AIN0, a 4-20 mA loop across a 165 Ω shunt on AIN1.
        i2c.attach(ADS1115Model(address: 0x48, clock: clock))
        node.add(ADS1115(bus: i2c, address: 0x48, inputs: [ADS1115Channel(name: "soil_moisture_v", input: .ain0),
                                                             ADS1115Channel(name: "loop_v", input: .ain1)]), interval: .seconds(5))
        // CO2 in periodic mode: a new value every 5 s.
        i2c.attach(SCD4xModel(address: 0x62, clock: clock))
        node.add(SCD4x(bus: i2c, address: 0x62), interval: .seconds(10))

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

        // Serial parts, each model standing in for its UART: a PMS5003 in passive mode, a GPS
        // streaming NMEA, and an energy meter as a Modbus RTU slave (input registers: voltage
        // in 0.1 V, current in mA, power in W, energy in Wh as a 32-bit big-endian pair).
        let pms = PMS5003Model(clock: clock)
        node.add(PMS5003(port: pms, clock: clock, mode: .passive), interval: .seconds(10))
        let gps = NMEAGPSModel(clock: clock)
        node.add(NMEAGPS(port: gps, clock: clock), interval: .seconds(10))
        let meter = ModbusSlaveModel(clock: clock, slave: 1, input: [2301, 1520, 349, 0, 12345])
        meter.animate(input: 0, base: 2301, amplitude: 40, period: .seconds(3600))
        let points = [
            ModbusPoint(name: "voltage", unit: "V", decimals: 1, address: 0, scale: 0.1),
            ModbusPoint(name: "current", unit: "A", decimals: 3, address: 1, scale: 0.001),
            ModbusPoint(name: "power", unit: "W", decimals: 0, address: 2),
            ModbusPoint(name: "energy", unit: "Wh", decimals: 0, address: 3, type: .u32),
        ]
        node.add(ModbusDevice(master: ModbusRTUMaster(port: meter, clock: clock),
                              configuration: ModbusDeviceConfiguration(slave: 1, registerType: .input, points: points)),
                 interval: .seconds(10))

        // A DS18B20 on the w1 bus, read every 10 s (each read blocks for its 750 ms conversion).
        let w1 = DS18B20Model(clock: clock)
        node.add(DS18B20(bus: w1, id: w1.id), interval: .seconds(10))
        return node
    }

    /// The parts `mote --list-drivers` prints: name, bus, what it measures.
    static let parts: [(part: String, bus: String, measures: String)] = [
        (BME280<SimulatedI2CBus>.part, "i2c", "temperature, humidity, pressure (Bosch)"),
        (SHT4x<SimulatedI2CBus>.part, "i2c", "temperature, humidity (Sensirion SHT40/41/45)"),
        (SHT3x<SimulatedI2CBus>.part, "i2c", "temperature, humidity (Sensirion SHT30/31/35)"),
        (BH1750<SimulatedI2CBus>.part, "i2c", "illuminance (ROHM)"),
        (ADS1115<SimulatedI2CBus>.part, "i2c", "4-channel 16-bit ADC: voltages for analog sensors and 4-20 mA loops (TI)"),
        (SCD4x<SimulatedI2CBus>.part, "i2c", "CO2, temperature, humidity (Sensirion SCD40/41)"),
        (PMS5003<PMS5003Model, VirtualClock>.part, "serial", "particulate matter PM1.0, PM2.5, PM10 (Plantower; active and passive modes)"),
        (NMEAGPS<NMEAGPSModel, VirtualClock>.part, "serial", "position, altitude, satellites from NMEA 0183 GGA and RMC"),
        (ModbusDevice<ModbusSlaveModel, VirtualClock>.part, "serial", "any Modbus RTU device: registers, types, word order, scaling from configuration"),
        (DS18B20<DS18B20Model>.part, "1-wire", "temperature (Maxim, through the kernel's w1_therm)"),
        (DigitalInput<SimulatedGPIOLine>.part, "gpio", "a contact, button or PIR: level and changes"),
        (PulseCounter<SimulatedGPIOLine>.part, "gpio", "pulses: total and rate (rain gauge, anemometer, flow meter)"),
        (PowerSwitched<BME280<SimulatedI2CBus>, SimulatedGPIOLine>.part, "gpio", "powers another part only around its reading"),
    ]
}
