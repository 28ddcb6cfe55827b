import NewsCore
import Testing

@Suite("File names")
struct FileNameTests {
    @Test("UTF-8 names pass through")
    func valid() {
        let (name, problem) = FileName.decode(Array("Café – 2026.txt".utf8))
        #expect(name == "Café – 2026.txt" && problem == nil)
    }

    @Test("invalid UTF-8 and control characters are escaped and reported")
    func invalid() {
        let latin1 = FileName.decode([0x63, 0x61, 0x66, 0xE9, 0x2E, 0x74, 0x78, 0x74])
        #expect(latin1.name == #"caf\xE9.txt"#)
        #expect(latin1.problem?.contains("not valid UTF-8") == true)
        let newline = FileName.decode(Array("two\nlines.txt".utf8))
        #expect(newline.name == #"two\nlines.txt"#)
        #expect(newline.problem?.contains("control character") == true)
    }
}
