/// The version of newsd and newsctl, reported by `--version` and `/v1/status`.
public enum NewsdVersion {
    public static let current = "0.1.0"
}
