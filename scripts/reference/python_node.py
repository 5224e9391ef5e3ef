#!/usr/bin/env python3
"""The bench's Python reference: the same workload as `mote --bench-samples N` in the way a
Python node does it. Each sample reads the BME280's 8 data registers from an in-memory register
map (standing in for smbus), compensates them with the datasheet's floating-point formulas (as
Adafruit's CircuitPython driver does), applies an EMA with alpha 0.2 per channel, and every 10
samples builds a CayenneLPP frame with pycayennelpp (temperature ch1, humidity ch2, barometer
ch3). Prints the frame count and a digest, like the Swift bench mode.

Usage: python3 scripts/reference/python_node.py SAMPLES
"""
import hashlib
import sys

from cayennelpp import LppFrame

T1, T2, T3 = 27504, 26435, -1000
P1, P2, P3, P4, P5, P6, P7, P8, P9 = 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000
H1, H2, H3, H4, H5, H6 = 75, 362, 0, 324, 50, 30


class Registers:
    """A register map with the raw values drifting, read in one burst like i2c block data."""

    def __init__(self):
        self.n = 0

    def read_i2c_block_data(self, address, register, length):
        self.n += 1
        p = 415148 + (self.n % 97) - 48
        t = 519888 + (self.n % 89) - 44
        h = 30000 + (self.n % 83) - 41
        return [p >> 12 & 0xFF, p >> 4 & 0xFF, p << 4 & 0xF0, t >> 12 & 0xFF, t >> 4 & 0xFF, t << 4 & 0xF0, h >> 8, h & 0xFF][:length]


def compensate(data):
    adc_p = data[0] << 12 | data[1] << 4 | data[2] >> 4
    adc_t = data[3] << 12 | data[4] << 4 | data[5] >> 4
    adc_h = data[6] << 8 | data[7]
    var1 = (adc_t / 16384.0 - T1 / 1024.0) * T2
    var2 = ((adc_t / 131072.0 - T1 / 8192.0) * (adc_t / 131072.0 - T1 / 8192.0)) * T3
    t_fine = int(var1 + var2)
    temperature = (var1 + var2) / 5120.0
    var1 = t_fine / 2.0 - 64000.0
    var2 = var1 * var1 * P6 / 32768.0
    var2 = var2 + var1 * P5 * 2.0
    var2 = var2 / 4.0 + P4 * 65536.0
    var3 = P3 * var1 * var1 / 524288.0
    var1 = (var3 + P2 * var1) / 524288.0
    var1 = (1.0 + var1 / 32768.0) * P1
    pressure = 1048576.0 - adc_p
    pressure = ((pressure - var2 / 4096.0) * 6250.0) / var1
    var1 = P9 * pressure * pressure / 2147483648.0
    var2 = pressure * P8 / 32768.0
    pressure = pressure + (var1 + var2 + P7) / 16.0
    h = t_fine - 76800.0
    h = (adc_h - (H4 * 64.0 + H5 / 16384.0 * h)) * (H2 / 65536.0 * (1.0 + H6 / 67108864.0 * h * (1.0 + H3 / 67108864.0 * h)))
    h = h * (1.0 - H1 * h / 524288.0)
    return temperature, max(0.0, min(100.0, h)), pressure


def main():
    samples = int(sys.argv[1])
    bus = Registers()
    ema = [None, None, None]
    digest = hashlib.sha256()
    frames = 0
    for n in range(1, samples + 1):
        values = compensate(bus.read_i2c_block_data(0x76, 0xF7, 8))
        for i, x in enumerate(values):
            ema[i] = x if ema[i] is None else ema[i] + 0.2 * (x - ema[i])
        if n % 10 == 0:
            frame = LppFrame()
            frame.add_temperature(1, ema[0])
            frame.add_humidity(2, ema[1])
            frame.add_barometer(3, ema[2] / 100)
            digest.update(bytes(frame))
            frames += 1
    print(f'{{"type":"bench","samples":{samples},"frames":{frames},"sha256":"{digest.hexdigest()}"}}')


if __name__ == "__main__":
    main()
