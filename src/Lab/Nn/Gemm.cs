using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralSec.Lab.Nn;

/// <summary>
/// Single-precision matrix multiply for the small, row-major matrices a LeNet-sized network produces
/// (K ≤ a few hundred). A 4-row × 2-vector register tile keeps eight accumulators live so each B
/// load feeds four FMAs; B panels are short enough to stay in L1, so no K blocking is needed.
/// Single-threaded on purpose: callers parallelise across batch items, which scales better here.
/// </summary>
public static class Gemm
{
    /// <summary>C[m,n] (+)= A[m,k] · B[k,n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
        {
            throw new ArgumentException("matrix spans are smaller than their dimensions");
        }

        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        ref var rc = ref MemoryMarshal.GetReference(c);
        var w = Vector<float>.Count;
        var i = 0;
        for (; i + 4 <= m; i += 4)
        {
            var j = 0;
            for (; j + 2 * w <= n; j += 2 * w)
            {
                Tile4x2(ref ra, ref rb, ref rc, i, j, k, n);
            }

            for (; j + w <= n; j += w)
            {
                for (var r = 0; r < 4; r++)
                {
                    Row1x1(ref ra, ref rb, ref rc, i + r, j, k, n);
                }
            }

            for (; j < n; j++)
            {
                for (var r = 0; r < 4; r++)
                {
                    Scalar(ref ra, ref rb, ref rc, i + r, j, k, n);
                }
            }
        }

        for (; i < m; i++)
        {
            var j = 0;
            for (; j + w <= n; j += w)
            {
                Row1x1(ref ra, ref rb, ref rc, i, j, k, n);
            }

            for (; j < n; j++)
            {
                Scalar(ref ra, ref rb, ref rc, i, j, k, n);
            }
        }
    }

    /// <summary>dst[cols,rows] = src[rows,cols]ᵀ.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        const int Block = 16;
        for (var r0 = 0; r0 < rows; r0 += Block)
        {
            var r1 = Math.Min(rows, r0 + Block);
            for (var c0 = 0; c0 < cols; c0 += Block)
            {
                var c1 = Math.Min(cols, c0 + Block);
                for (var r = r0; r < r1; r++)
                {
                    for (var c = c0; c < c1; c++)
                    {
                        dst[c * rows + r] = src[r * cols + c];
                    }
                }
            }
        }
    }

    /// <summary>Textbook triple loop; the benchmark's baseline and the tests' oracle.</summary>
    public static void MultiplyNaive(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var s = accumulate ? c[i * n + j] : 0f;
                for (var p = 0; p < k; p++)
                {
                    s += a[i * k + p] * b[p * n + j];
                }

                c[i * n + j] = s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4x2(ref float a, ref float b, ref float c, int i, int j, int k, int n)
    {
        var w = Vector<float>.Count;
        ref var c0 = ref Unsafe.Add(ref c, i * n + j);
        ref var c1 = ref Unsafe.Add(ref c0, n);
        ref var c2 = ref Unsafe.Add(ref c1, n);
        ref var c3 = ref Unsafe.Add(ref c2, n);
        var s00 = Vector.LoadUnsafe(ref c0);
        var s01 = Vector.LoadUnsafe(ref c0, (nuint)w);
        var s10 = Vector.LoadUnsafe(ref c1);
        var s11 = Vector.LoadUnsafe(ref c1, (nuint)w);
        var s20 = Vector.LoadUnsafe(ref c2);
        var s21 = Vector.LoadUnsafe(ref c2, (nuint)w);
        var s30 = Vector.LoadUnsafe(ref c3);
        var s31 = Vector.LoadUnsafe(ref c3, (nuint)w);
        ref var a0 = ref Unsafe.Add(ref a, i * k);
        ref var a1 = ref Unsafe.Add(ref a0, k);
        ref var a2 = ref Unsafe.Add(ref a1, k);
        ref var a3 = ref Unsafe.Add(ref a2, k);
        ref var bp = ref Unsafe.Add(ref b, j);
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector.LoadUnsafe(ref bp);
            var b1 = Vector.LoadUnsafe(ref bp, (nuint)w);
            var x = new Vector<float>(Unsafe.Add(ref a0, p));
            s00 = Vector.FusedMultiplyAdd(x, b0, s00);
            s01 = Vector.FusedMultiplyAdd(x, b1, s01);
            x = new Vector<float>(Unsafe.Add(ref a1, p));
            s10 = Vector.FusedMultiplyAdd(x, b0, s10);
            s11 = Vector.FusedMultiplyAdd(x, b1, s11);
            x = new Vector<float>(Unsafe.Add(ref a2, p));
            s20 = Vector.FusedMultiplyAdd(x, b0, s20);
            s21 = Vector.FusedMultiplyAdd(x, b1, s21);
            x = new Vector<float>(Unsafe.Add(ref a3, p));
            s30 = Vector.FusedMultiplyAdd(x, b0, s30);
            s31 = Vector.FusedMultiplyAdd(x, b1, s31);
            bp = ref Unsafe.Add(ref bp, n);
        }

        s00.StoreUnsafe(ref c0);
        s01.StoreUnsafe(ref c0, (nuint)w);
        s10.StoreUnsafe(ref c1);
        s11.StoreUnsafe(ref c1, (nuint)w);
        s20.StoreUnsafe(ref c2);
        s21.StoreUnsafe(ref c2, (nuint)w);
        s30.StoreUnsafe(ref c3);
        s31.StoreUnsafe(ref c3, (nuint)w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row1x1(ref float a, ref float b, ref float c, int i, int j, int k, int n)
    {
        ref var ci = ref Unsafe.Add(ref c, i * n + j);
        var s = Vector.LoadUnsafe(ref ci);
        ref var ai = ref Unsafe.Add(ref a, i * k);
        ref var bp = ref Unsafe.Add(ref b, j);
        for (var p = 0; p < k; p++)
        {
            s = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref ai, p)), Vector.LoadUnsafe(ref bp), s);
            bp = ref Unsafe.Add(ref bp, n);
        }

        s.StoreUnsafe(ref ci);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar(ref float a, ref float b, ref float c, int i, int j, int k, int n)
    {
        ref var ai = ref Unsafe.Add(ref a, i * k);
        var s = Unsafe.Add(ref c, i * n + j);
        for (var p = 0; p < k; p++)
        {
            s = MathF.FusedMultiplyAdd(Unsafe.Add(ref ai, p), Unsafe.Add(ref b, p * n + j), s);
        }

        Unsafe.Add(ref c, i * n + j) = s;
    }
}
