namespace Ebpf.Object.Sections;

/// <summary>
/// Optimal-string-alignment distance (Levenshtein plus adjacent transposition), ignoring ASCII case:
/// "conect4" is one edit from "connect4", "xpd" one from "xdp", "XDP" none from "xdp".
/// </summary>
internal static class EditDistance
{
    /// <summary>Inputs are cut to this length: suggestions for longer names would be noise, and the cost stays bounded.</summary>
    public const int MaxLength = 128;

    public static int Compute(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length > MaxLength) a = a[..MaxLength];
        if (b.Length > MaxLength) b = b[..MaxLength];
        if (a.Length == 0) return b.Length;
        if (b.Length == 0) return a.Length;

        // Three rolling rows: two back for transpositions.
        int w = b.Length + 1;
        Span<int> buffer = stackalloc int[3 * w];
        Span<int> prev2 = buffer[..w], prev = buffer.Slice(w, w), cur = buffer.Slice(2 * w, w);
        for (int j = 0; j < w; j++) prev[j] = j;

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            char ca = Fold(a[i - 1]);
            for (int j = 1; j <= b.Length; j++)
            {
                char cb = Fold(b[j - 1]);
                int cost = ca == cb ? 0 : 1;
                int d = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && ca == Fold(b[j - 2]) && Fold(a[i - 2]) == cb)
                    d = Math.Min(d, prev2[j - 2] + 1);
                cur[j] = d;
            }
            var t = prev2; prev2 = prev; prev = cur; cur = t;
        }
        return prev[b.Length];
    }

    private static char Fold(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
}
