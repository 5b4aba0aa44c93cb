extension QRCode {
  /// The symbol as text for a terminal: Unicode half blocks (U+2580 ▀, U+2584 ▄, U+2588 █ and
  /// space), two module rows per line, with `quietZone` light modules around it (ISO/IEC
  /// 18004:2006 §5.3 asks for 4).
  ///
  /// Light modules are drawn as block characters and dark modules as spaces. Readers look for
  /// dark modules on a light ground; reflectance reversal (light on dark) is allowed by the
  /// 2005 edition (§5.2) but many phone camera apps do not try it. The usual terminal is light
  /// text on black: there the blocks, in the foreground colour, are the light ground and the
  /// black background shows through as the dark modules, a symbol of normal reflectance.
  /// Drawing dark modules as blocks would give a reversed one. (`qrencode -t UTF8` draws the
  /// same way.) On a dark-on-light terminal the symbol comes out reversed, which readers that
  /// handle reversal still read. Each line ends with a newline.
  public func terminalText(quietZone: Int = 4) -> String {
    let range = -quietZone..<(size + quietZone)
    var text = ""
    for y in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
      for x in range {
        let top = !isDark(x: x, y: y)
        let bottom = y + 1 < range.upperBound && !isDark(x: x, y: y + 1)
        text += top ? (bottom ? "\u{2588}" : "\u{2580}") : (bottom ? "\u{2584}" : " ")
      }
      text += "\n"
    }
    return text
  }

  /// The symbol as a Netpbm bitmap (P4, binary; 1 is black), `scale` pixels per module and a
  /// light border of `quietZone` modules, for image-based readers such as `zbarimg`.
  public func pbm(scale: Int = 4, quietZone: Int = 4) -> [UInt8] {
    let width = (size + 2 * quietZone) * scale
    let rowBytes = (width + 7) / 8
    var out = Array("P4\n\(width) \(width)\n".utf8)
    for py in 0..<width {
      var row = [UInt8](repeating: 0, count: rowBytes)
      for px in 0..<width where isDark(x: px / scale - quietZone, y: py / scale - quietZone) {
        row[px / 8] |= 0x80 >> (px % 8)
      }
      out += row
    }
    return out
  }
}
