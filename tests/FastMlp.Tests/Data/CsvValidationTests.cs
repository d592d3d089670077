// CsvValidationTests: every way a CSV file can be wrong throws a DataFormatException naming the file, the
// 1-based line and column (when there is one) and the problem: an empty or blank file, a header without
// rows, a row with too few or too many fields, an empty field, a non-numeric value, a decimal comma, NaN
// and infinities (by default), a value beyond float, a label that is not an integer, a negative label, a
// label not below a given class count, a single class, an unclosed quote, text after a closing quote, a
// label or target column outside the table, no feature column left. Argument errors (a class count below
// 2, no or repeated target columns, a quote or line break as separator) are ArgumentExceptions.
namespace FastMlp.Tests.Data;

public sealed class CsvValidationTests
{
    private const string Name = "table.csv";

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n\t\n")]
    public void An_empty_or_blank_file_is_rejected(string text)
    {
        DataAssert.ThrowsAt(() => Classification(text), Name, 0, 0, "is empty");
    }

    [Fact]
    public void An_empty_file_is_rejected_by_path()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("empty.csv", string.Empty);
        DataAssert.Throws(() => Csv.LoadClassification(path), path, "is empty");
        DataAssert.Throws(() => Csv.LoadRegression(path), path, "is empty");
    }

    [Fact]
    public void A_header_without_data_rows_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("\nx,y,label\n\n"), Name, 0, 0, "has a header (line 2) but no data rows");
    }

    [Fact]
    public void A_row_with_too_few_fields_is_rejected_at_the_first_missing_one()
    {
        DataAssert.ThrowsAt(() => Classification("x,y,label\n1,2,0\n\n3,4\n"), Name, 4, 3, "has 2 fields; expected 3, as line 1");
    }

    [Fact]
    public void A_row_with_too_many_fields_is_rejected_at_the_first_extra_one()
    {
        DataAssert.ThrowsAt(() => Classification("1,2,0\n3,4,1,9\n"), Name, 2, 4, "has 4 fields; expected 3, as line 1");
    }

    [Fact]
    public void A_trailing_separator_is_an_extra_empty_field()
    {
        DataAssert.ThrowsAt(() => Classification("1,2,0\n3,4,1,\n"), Name, 2, 4, "has 4 fields");
    }

    [Fact]
    public void An_empty_field_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("1,2,0\n3, ,1\n"), Name, 2, 2, "is empty; expected a number");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("1_000")]
    public void A_value_that_is_not_a_number_is_rejected(string value)
    {
        DataAssert.ThrowsAt(() => Classification($"x,y,label\n1,2,0\n3,{value},1\n"), Name, 3, 2, $"'{value}' is not a number");
    }

    [Fact]
    public void A_decimal_comma_is_not_a_number_in_the_invariant_culture()
    {
        DataAssert.ThrowsAt(() => Classification("1;2.5;0\n3;2,5;1\n", separator: ';'), Name, 2, 2, "'2,5' is not a number");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NaN_and_infinities_are_rejected_by_default(string value)
    {
        DataAssert.ThrowsAt(() => Classification($"1,2,0\n{value},4,1\n"), Name, 2, 1, $"'{value}' is not finite", "allowNonFinite");
        DataAssert.ThrowsAt(() => Regression($"1,2,0\n3,4,{value}\n", [-1]), Name, 2, 3, $"'{value}' is not finite");
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-4e38")]
    public void A_value_beyond_the_float_range_is_rejected(string value)
    {
        DataAssert.ThrowsAt(() => Classification($"1,2,0\n3,{value},1\n"), Name, 2, 2, $"'{value}' is beyond the range of float");
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("cat")]
    [InlineData("NaN")]
    [InlineData("1e300000")]
    public void A_label_that_is_not_an_integer_is_rejected(string label)
    {
        DataAssert.ThrowsAt(() => Classification($"x,label\n1,0\n2,{label}\n"), Name, 3, 2, $"label '{label}' is not an integer");
    }

    [Fact]
    public void An_empty_label_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("1,0\n2,\n"), Name, 2, 2, "is empty; expected a class label");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-3.0")]
    public void A_negative_label_is_rejected(string label)
    {
        DataAssert.ThrowsAt(() => Classification($"{label},1\n0,2\n", labelColumn: 0), Name, 1, 1, $"label '{label}' is negative");
    }

    [Fact]
    public void A_huge_label_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("1,0\n2,3e9\n"), Name, 2, 2, "label '3e9' is too large");
    }

    [Fact]
    public void A_label_not_below_the_given_class_count_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("1,0\n2,1\n3,2\n", classCount: 2), Name, 3, 2, "label 2 is not below the class count 2");
    }

    [Fact]
    public void A_single_class_is_rejected_unless_the_class_count_is_given()
    {
        DataAssert.ThrowsAt(() => Classification("1,0\n2,0\n"), Name, 0, 0, "only one class", "pass classCount");
        Assert.Equal(3, Classification("1,0\n2,0\n", classCount: 3).TargetCount);
    }

    [Fact]
    public void An_unclosed_quote_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("1,2,0\n3,\"4,1\n"), Name, 2, 2, "quoted field opened at character 3 and never closed");
    }

    [Fact]
    public void Text_after_a_closing_quote_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("1,\"2\"x,0\n"), Name, 1, 2, "has 'x' after the closing quote", "expected the separator ','");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-4)]
    public void A_label_column_outside_the_table_is_rejected(int labelColumn)
    {
        DataAssert.ThrowsAt(() => Classification("\nx,y,label\n1,2,0\n", labelColumn: labelColumn), Name, 2, 0, "has 3 columns (line 2)", $"the label column {labelColumn} is not one of them");
    }

    [Fact]
    public void A_target_column_outside_the_table_is_rejected()
    {
        DataAssert.ThrowsAt(() => Regression("1,2,3\n", [0, 5]), Name, 1, 0, "the target column 5 is not one of them");
    }

    [Fact]
    public void A_table_with_no_feature_column_left_is_rejected()
    {
        DataAssert.ThrowsAt(() => Classification("label\n0\n1\n"), Name, 1, 0, "has 1 columns", "at least one feature column");
        DataAssert.ThrowsAt(() => Regression("1,2\n", [0, 1]), Name, 1, 0, "has 2 columns", "all of them targets");
    }

    [Fact]
    public void Errors_carry_the_path_given()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("bad.csv", "a,b\n1,x\n");
        DataFormatException e = DataAssert.ThrowsAt(() => Csv.LoadRegression(path), path, 2, 2, "'x' is not a number");
        Assert.Equal($"{path}, line 2, column 2: 'x' is not a number.", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-2)]
    public void A_class_count_below_two_is_an_argument_error(int classCount)
    {
        Assert.Equal("classCount", Assert.Throws<ArgumentOutOfRangeException>(() => Classification("1,0\n", classCount: classCount)).ParamName);
    }

    [Fact]
    public void No_or_repeated_target_columns_are_argument_errors()
    {
        Assert.Equal("targetColumns", Assert.Throws<ArgumentException>(() => Regression("1,2,3\n", [])).ParamName);
        ArgumentException e = Assert.Throws<ArgumentException>(() => Regression("1,2,3\n", [2, -1]));
        Assert.Equal("targetColumns", e.ParamName);
        Assert.Contains("name column 2 (0-based) of table.csv twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('"')]
    [InlineData('\n')]
    [InlineData('\r')]
    public void A_quote_or_line_break_separator_is_an_argument_error(char separator)
    {
        Assert.Equal("separator", Assert.Throws<ArgumentException>(() => Classification("1,0\n", separator: separator)).ParamName);
    }

    private static Dataset Classification(string text, int labelColumn = -1, int? classCount = null, char separator = ',') =>
        Csv.LoadClassification(new StringReader(text), Name, labelColumn, classCount, separator: separator);

    private static Dataset Regression(string text, int[] targets) => Csv.LoadRegression(new StringReader(text), Name, targets);
}
