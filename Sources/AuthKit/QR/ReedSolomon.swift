/// Reed–Solomon error-correction codewords over GF(2⁸) with the field polynomial
/// x⁸ + x⁴ + x³ + x² + 1 (0x11D), as QR Code uses them (ISO/IEC 18004:2006 §6.5.2).
///
/// The generator polynomial of degree n is (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) with α = 2 (Annex A);
/// the error-correction codewords are the remainder of data(x)·xⁿ divided by it.
public enum ReedSolomon {
  /// The `degree` error-correction codewords of `data`, highest power first.
  public static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
    let generator = self.generator(degree: degree)
    var result = [UInt8](repeating: 0, count: degree)
    for byte in data {
      let factor = byte ^ result.removeFirst()
      result.append(0)
      for i in 0..<degree { result[i] ^= multiply(generator[i], factor) }
    }
    return result
  }

  /// The generator's coefficients below the leading 1 (which is implied), highest power first.
  static func generator(degree: Int) -> [UInt8] {
    var coefficients = [UInt8](repeating: 0, count: degree)
    coefficients[degree - 1] = 1
    var root: UInt8 = 1
    for _ in 0..<degree {
      // Multiply by (x − root): in GF(2⁸) subtraction is XOR.
      for j in 0..<degree {
        coefficients[j] = multiply(coefficients[j], root)
        if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
      }
      root = multiply(root, 2)
    }
    return coefficients
  }

  /// Product in GF(2⁸): αᵃ · αᵇ = α⁽ᵃ⁺ᵇ⁾ ᵐᵒᵈ ²⁵⁵, through the power and logarithm tables.
  static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
    guard x != 0, y != 0 else { return 0 }
    return powers[(Int(logarithms[Int(x)]) + Int(logarithms[Int(y)])) % 255]
  }

  /// αⁱ for i in 0..<255: doubling, reduced by 0x11D past 8 bits.
  private static let powers: [UInt8] = {
    var table: [UInt8] = []
    var value = 1
    for _ in 0..<255 {
      table.append(UInt8(value))
      value <<= 1
      if value > 0xFF { value ^= 0x11D }
    }
    return table
  }()

  /// log_α of each non-zero element (index 0 unused).
  private static let logarithms: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 256)
    for (i, value) in powers.enumerated() { table[Int(value)] = UInt8(i) }
    return table
  }()
}
