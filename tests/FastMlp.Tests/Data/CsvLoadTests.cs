// CsvLoadTests: numeric CSV loads as the table it writes: features in file order without the label or
// target columns, labels 0..k−1 with one-hot targets and classCount = the largest label + 1 unless given,
// regression targets in the order asked for. Header detection (auto, forced on, forced off), quotes,
// blanks around fields, CRLF and CR line ends, blank lines, other separators, a byte order mark, the
// invariant culture (exponents, signs), labels written as "3.0", NaN and infinities when allowed.
namespace FastMlp.Tests.Data;

public sealed class CsvLoadTests
{
    [Fact]
    public void A_headed_file_loads_with_the_last_column_as_label()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("iris.csv", "sepal length,sepal width,species\n5.1,3.5,0\n7.0,3.2,1\n6.3,3.3,2\n");

        Dataset set = Csv.LoadClassification(path);

        Assert.Equal(3, set.Count);
        Assert.Equal(2, set.FeatureCount);
        Assert.Equal(3, set.TargetCount);
        Assert.Equal([5.1f, 3.5f, 7.0f, 3.2f, 6.3f, 3.3f], set.Features.ToArray());
        Assert.Equal([0, 1, 2], set.Labels.ToArray());
        Assert.Equal([1f, 0, 0, 0, 1f, 0, 0, 0, 1f], set.Targets.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-3)]
    public void The_label_column_can_be_any_and_negative_counts_from_the_end(int labelColumn)
    {
        int label = labelColumn < 0 ? 3 + labelColumn : labelColumn;
        string[] rows = ["1,2,3", "4,5,6"];
        // Put a class (0 or 1) in the label column and 10 + column in the others.
        string text = string.Join("\n", rows.Select((_, r) => string.Join(",", Enumerable.Range(0, 3).Select(c => c == label ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : (10 + c).ToString(System.Globalization.CultureInfo.InvariantCulture)))));

        Dataset set = Csv.LoadClassification(new StringReader(text), "t.csv", labelColumn);

        float[] features = [.. Enumerable.Range(0, 3).Where(c => c != label).Select(c => 10f + c)];
        Assert.Equal([.. features, .. features], set.Features.ToArray());
        Assert.Equal([0, 1], set.Labels.ToArray());
    }

    [Fact]
    public void The_class_count_is_the_largest_label_plus_one_unless_given()
    {
        const string Text = "1,0\n2,3\n3,1\n";
        Assert.Equal(4, Csv.LoadClassification(new StringReader(Text), "t.csv").TargetCount);
        Assert.Equal(7, Csv.LoadClassification(new StringReader(Text), "t.csv", classCount: 7).TargetCount);
    }

    [Fact]
    public void A_first_row_of_numbers_is_data_unless_hasHeader_says_otherwise()
    {
        const string Text = "1,2,0\n3,4,1\n";
        Assert.Equal(2, Csv.LoadClassification(new StringReader(Text), "t.csv").Count);
        Assert.Equal(2, Csv.LoadClassification(new StringReader(Text), "t.csv", hasHeader: false).Count);

        Dataset headed = Csv.LoadClassification(new StringReader("1,2,0\n3,4,1\n5,6,1\n"), "t.csv", hasHeader: true);
        Assert.Equal([3f, 4f, 5f, 6f], headed.Features.ToArray());
    }

    [Fact]
    public void Quotes_blanks_line_ends_and_blank_lines_are_handled()
    {
        const string Text = "\n\"a, \"\"quoted\"\" name\" , b ,label\r\n  \" 1.5 \" ,\t-2e-3 , 1 \r\n\r\n   \n3,+4,\"0\"\r5,6,1";

        Dataset set = Csv.LoadClassification(new StringReader(Text), "t.csv");

        Assert.Equal([1.5f, -2e-3f, 3f, 4f, 5f, 6f], set.Features.ToArray());
        Assert.Equal([1, 0, 1], set.Labels.ToArray());
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData(' ')]
    [InlineData('|')]
    public void Other_separators_work(char separator)
    {
        string text = $"x{separator}y{separator}class\n0.5{separator}1e3{separator}1\n-7{separator}8.25{separator}0\n";

        Dataset set = Csv.LoadClassification(new StringReader(text), "t.csv", separator: separator);

        Assert.Equal([0.5f, 1000f, -7f, 8.25f], set.Features.ToArray());
        Assert.Equal([1, 0], set.Labels.ToArray());
    }

    [Fact]
    public void A_decimal_comma_file_reads_with_a_semicolon_separator_only_as_invariant_numbers()
    {
        // The invariant culture: "1,5" is not one and a half; with ';' it is a bad number (see CsvValidationTests).
        Dataset set = Csv.LoadClassification(new StringReader("1.5;2;1\n3;4.75;0\n"), "t.csv", separator: ';');
        Assert.Equal([1.5f, 2f, 3f, 4.75f], set.Features.ToArray());
    }

    [Theory]
    [InlineData("3")]
    [InlineData("3.0")]
    [InlineData(" 3 ")]
    [InlineData("3e0")]
    [InlineData("\"3\"")]
    public void Labels_are_integers_written_as_integers_or_integral_numbers(string label)
    {
        Dataset set = Csv.LoadClassification(new StringReader($"1,0\n2,{label}\n"), "t.csv");
        Assert.Equal([0, 3], set.Labels.ToArray());
    }

    [Fact]
    public void Files_with_a_byte_order_mark_load_by_path()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bom.csv", [0xEF, 0xBB, 0xBF, .. "f,label\n0.25,1\n0.75,0\n"u8]);

        Dataset set = Csv.LoadClassification(path);

        Assert.Equal([0.25f, 0.75f], set.Features.ToArray());
        Assert.Equal([1, 0], set.Labels.ToArray());
    }

    [Fact]
    public void NaN_and_infinities_load_when_allowed()
    {
        Dataset set = Csv.LoadClassification(new StringReader("NaN,Infinity,-Infinity,1\n0,0,0,0\n"), "t.csv", allowNonFinite: true);
        Assert.True(float.IsNaN(set.Features[0]));
        Assert.Equal(float.PositiveInfinity, set.Features[1]);
        Assert.Equal(float.NegativeInfinity, set.Features[2]);
    }

    [Fact]
    public void Regression_takes_the_last_column_as_target_by_default()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("houses.csv", "rooms,area,price\n3,70.5,210000\n4,95,305000.5\n");

        Dataset set = Csv.LoadRegression(path);

        Assert.False(set.IsClassification);
        Assert.Equal((2, 2, 1), (set.Count, set.FeatureCount, set.TargetCount));
        Assert.Equal([3f, 70.5f, 4f, 95f], set.Features.ToArray());
        Assert.Equal([210000f, 305000.5f], set.Targets.ToArray());
    }

    [Fact]
    public void Regression_targets_come_in_the_order_asked_for_and_features_in_file_order()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("t.csv", "10,11,12,13,14\n20,21,22,23,24\n");

        Dataset set = Csv.LoadRegression(path, [-1, 1]);

        Assert.Equal((2, 3, 2), (set.Count, set.FeatureCount, set.TargetCount));
        Assert.Equal([10f, 12f, 13f, 20f, 22f, 23f], set.Features.ToArray());
        Assert.Equal([14f, 11f, 24f, 21f], set.Targets.ToArray());
    }

    [Fact]
    public void Regression_reads_from_a_TextReader()
    {
        Dataset set = Csv.LoadRegression(new StringReader("a\tb\n1\t2\n"), "t.tsv", [0], separator: '\t');
        Assert.Equal([2f], set.Features.ToArray());
        Assert.Equal([1f], set.Targets.ToArray());
    }
}
