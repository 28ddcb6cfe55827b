import Foundation
import Testing
import TestSupport

/// The systemd units as shipped: `systemd-analyze verify` finds nothing to say, and the
/// service's exposure in `systemd-analyze security` stays at or below 2.0.
@Suite("systemd unit files", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"),
                                     "needs systemd-analyze (Debian's systemd package)"))
struct UnitFileTests {
    let units = SeedCorpus.projectRoot + "/systemd"

    @Test("systemd-analyze verify prints no warning at all")
    func verify() throws {
        // A root holding the units, the installed binary and the system's own units, so
        // that verify checks our files and nothing of this machine's state.
        let root = TemporaryFolder("newsd-verify")
        for folder in ["usr/local/bin", "etc/systemd/system", "usr/lib/systemd", "bin"] { root.folder(folder) }
        let copies: [(String, String)] = [
            (BuiltProducts.newsd, "usr/local/bin/newsd"), ("/bin/kill", "bin/kill"),
            (units + "/newsd.service", "etc/systemd/system/newsd.service"),
            (units + "/newsd.socket", "etc/systemd/system/newsd.socket"),
        ]
        for (from, to) in copies { try FileManager.default.copyItem(atPath: from, toPath: root.file(to)) }
        try FileManager.default.copyItem(atPath: "/usr/lib/systemd/system", toPath: root.file("usr/lib/systemd/system"))
        let result = try runProcess("/usr/bin/systemd-analyze", ["verify", "--root=\(root.path)", "newsd.service", "newsd.socket"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "systemd-analyze verify said:\n\(result.stderr)")
        #expect(result.stdout.isEmpty, "systemd-analyze verify said:\n\(result.stdout)")
    }

    @Test("the service's exposure is at most 2.0")
    func security() throws {
        let result = try runProcess("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", units + "/newsd.service"])
        #expect(try Self.exposure(result) <= 2.0)
        #expect(result.stdout.contains("✓ PrivateNetwork="))
    }

    @Test("with the PostgreSQL drop-in the service may reach a database server, and its exposure is still at most 2.0")
    func securityWithPostgresDropIn() throws {
        let root = TemporaryFolder("newsd-security")
        root.folder("etc/systemd/system/newsd.service.d")
        for unit in ["newsd.service", "newsd.socket"] {
            try FileManager.default.copyItem(atPath: units + "/" + unit, toPath: root.file("etc/systemd/system/" + unit))
        }
        try FileManager.default.copyItem(atPath: units + "/postgresql/newsd-postgresql.conf",
                                         toPath: root.file("etc/systemd/system/newsd.service.d/postgresql.conf"))
        let result = try runProcess("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", "--root=\(root.path)", "newsd.service"])
        #expect(try Self.exposure(result) <= 2.0)
        // The drop-in took effect: Internet sockets and the host's network, nothing else opened.
        #expect(result.stdout.contains("✗ RestrictAddressFamilies=~AF_(INET|INET6)"), "\(result.stdout)")
        #expect(result.stdout.contains("✗ PrivateNetwork="), "\(result.stdout)")
        #expect(result.stdout.contains("✓ RestrictAddressFamilies=~AF_PACKET"), "\(result.stdout)")
        #expect(result.stdout.contains("✓ PrivateUsers="), "\(result.stdout)")
    }

    /// The overall exposure `systemd-analyze security` printed.
    static func exposure(_ result: ProcessResult) throws -> Double {
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(result.stdout)\(result.stderr)")
        // The number after the colon, once colour escape sequences (ESC [ … letter) are removed.
        var plain = ""
        var inEscape = false
        for character in line {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character.isLetter { inEscape = false }; continue }
            plain.append(character)
        }
        // After "newsd.service:" (in the C locale the closing emoji becomes ":-}", so not after the last colon).
        let afterColon = plain.range(of: "newsd.service:").map { plain[$0.upperBound...] } ?? ""
        let number = afterColon.drop { !$0.isNumber }.prefix { $0.isNumber || $0 == "." }
        return try #require(Double(number), "\(line)")
    }

    @Test("sysusers and tmpfiles entries parse")
    func sysusersAndTmpfiles() throws {
        let sysusers = try runProcess("/usr/bin/systemd-sysusers", ["--dry-run", units + "/newsd.sysusers"])
        #expect(sysusers.status == 0, "\(sysusers.stderr)")
        let tmpfiles = try String(contentsOfFile: units + "/newsd.tmpfiles", encoding: .utf8)
        #expect(tmpfiles.contains("d /var/lib/newsd/inbox 2775 newsd newsd -"))
    }
}
