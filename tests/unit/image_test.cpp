#include "fuselab/base/error.hpp"
#include "fuselab/base/image.hpp"

#include <gtest/gtest.h>

using namespace fuselab;

TEST(Image, ConstructsZeroFilledWithShapeAndEncoding)
{
    const Image img(7, 5, 3, ColourEncoding::Srgb);
    EXPECT_EQ(img.width(), 7);
    EXPECT_EQ(img.height(), 5);
    EXPECT_EQ(img.channels(), 3);
    EXPECT_EQ(img.rowStrideSamples(), 21u);
    EXPECT_EQ(img.encoding(), ColourEncoding::Srgb);
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x)
            for (int c = 0; c < 3; ++c) EXPECT_EQ(img.at(x, y, c), 0.0f);
}

TEST(Image, RejectsInvalidShapes)
{
    EXPECT_THROW(Image(0, 5, 3), Error);
    EXPECT_THROW(Image(5, -1, 3), Error);
    EXPECT_THROW(Image(5, 5, 0), Error);
    EXPECT_THROW(Image(5, 5, 5), Error);
}

TEST(Image, ViewSharesPixelsAndCloneDoesNot)
{
    Image img(10, 8, 1);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 10; ++x) img.at(x, y) = float(y * 10 + x);
    Image view = img.view({2, 3, 4, 2});
    EXPECT_EQ(view.width(), 4);
    EXPECT_EQ(view.height(), 2);
    EXPECT_FALSE(view.isContiguous());
    EXPECT_EQ(view.at(0, 0), 32.0f);
    EXPECT_EQ(view.at(3, 1), 45.0f);
    view.at(1, 1) = -1.0f;
    EXPECT_EQ(img.at(3, 4), -1.0f);
    EXPECT_TRUE(view.sharesStorageWith(img));

    Image copy = view.clone();
    EXPECT_TRUE(copy.isContiguous());
    EXPECT_FALSE(copy.sharesStorageWith(img));
    copy.at(0, 0) = 99.0f;
    EXPECT_EQ(img.at(2, 3), 32.0f);
    EXPECT_THROW(img.view({8, 0, 4, 2}), Error);
}

TEST(SampleImage, NormalisesIntegerSamples)
{
    Image8 a(3, 1, 1);
    a.at(0, 0) = 0;
    a.at(1, 0) = 51;
    a.at(2, 0) = 255;
    const Image fa = SampleImage(a).toFloat();
    EXPECT_FLOAT_EQ(fa.at(1, 0), 0.2f);
    EXPECT_FLOAT_EQ(fa.at(2, 0), 1.0f);

    Image16 b(2, 1, 1);
    b.at(0, 0) = 13107; // 13107 / 65535 = 0.2 exactly
    b.at(1, 0) = 65535;
    const SampleImage sb(b);
    EXPECT_EQ(sb.bitDepth(), 16);
    const Image fb = sb.toFloat();
    EXPECT_FLOAT_EQ(fb.at(0, 0), 0.2f);
    EXPECT_FLOAT_EQ(fb.at(1, 0), 1.0f);
}
