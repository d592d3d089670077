// Row counts as types, so the SIMD kernel's body is written once and compiled per count: the JIT sees
// TRows.Value as a constant in each instantiation and drops the code of the rows a short edge tile
// lacks (MLAS FgemmKernelAvx512FCommon.h has exact 1- to 6-row tails for the same reason: a 2-row
// remainder run as 6 rows spends two thirds of its FMAs on rows it throws away).
namespace FastMlp;

internal interface IGemmRows
{
    static abstract int Value { get; }
}

internal readonly struct GemmRows1 : IGemmRows
{
    public static int Value => 1;
}

internal readonly struct GemmRows2 : IGemmRows
{
    public static int Value => 2;
}

internal readonly struct GemmRows3 : IGemmRows
{
    public static int Value => 3;
}

internal readonly struct GemmRows4 : IGemmRows
{
    public static int Value => 4;
}

internal readonly struct GemmRows5 : IGemmRows
{
    public static int Value => 5;
}

internal readonly struct GemmRows6 : IGemmRows
{
    public static int Value => 6;
}
