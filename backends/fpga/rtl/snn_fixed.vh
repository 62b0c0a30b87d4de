// snn_fixed.vh: the fixed-point arithmetic of spec/passes.md ("Fixed-point
// arithmetic") and runtime/fixed, as Verilog-2005 functions for the
// datapaths snnc generates. A value of format fxW.F travels as a 64-bit
// signed raw integer; the formats are constants of each instruction, so
// synthesis reduces every call to the shifts, adders and comparators of
// that instruction. Include it inside a module.

// fx_max, fx_min: the largest and smallest raw values of w bits.
function signed [63:0] fx_max;
    input integer w;
    fx_max = (64'sd1 <<< (w - 1)) - 64'sd1;
endfunction

function signed [63:0] fx_min;
    input integer w;
    fx_min = -(64'sd1 <<< (w - 1));
endfunction

// fx_sat clamps x to the range of w bits.
function signed [63:0] fx_sat;
    input signed [63:0] x;
    input integer w;
    begin
        if (x > fx_max(w))
            fx_sat = fx_max(w);
        else if (x < fx_min(w))
            fx_sat = fx_min(w);
        else
            fx_sat = x;
    end
endfunction

// fx_conv rounds x, exact with frac fraction bits (|x| < 2^63), into
// fxW.F: to nearest, ties away from zero, then saturating.
function signed [63:0] fx_conv;
    input signed [63:0] x;
    input integer frac;
    input integer w;
    input integer f;
    integer s;
    reg signed [63:0] half, r;
    begin
        s = f - frac;
        if (s <= 0) begin
            if (s == 0)
                r = x;
            else if (s < -62)
                r = 64'sd0;
            else begin
                half = 64'sd1 <<< (-s - 1);
                if (x >= 0)
                    r = (x + half) >>> (-s);
                else
                    r = -((-x + half) >>> (-s));
            end
            fx_conv = fx_sat(r, w);
        end else if (s >= 32 || x >= (64'sd1 <<< (62 - s)) || x <= -(64'sd1 <<< (62 - s))) begin
            if (x > 0)
                fx_conv = fx_max(w);
            else if (x < 0)
                fx_conv = fx_min(w);
            else
                fx_conv = 64'sd0;
        end else
            fx_conv = fx_sat(x <<< s, w);
    end
endfunction

// fx_dither converts x of fraction bits frac into fxW.F, adding the top
// frac - F bits of the 64-bit draw before rounding down (ConvertDither).
function signed [63:0] fx_dither;
    input signed [63:0] x;
    input integer frac;
    input integer w;
    input integer f;
    input [63:0] bits;
    integer s;
    reg signed [63:0] offset;
    begin
        s = frac - f;
        if (s <= 0)
            fx_dither = fx_conv(x, frac, w, f);
        else begin
            offset = $signed({1'b0, bits[63:1]}) >>> (63 - s);
            fx_dither = fx_sat((x + offset) >>> s, w);
        end
    end
endfunction

// fx_cmp compares a (fraction bits fa) with b (fb) exactly: -1, 0 or 1.
function signed [1:0] fx_cmp;
    input signed [63:0] a;
    input integer fa;
    input signed [63:0] b;
    input integer fb;
    reg signed [63:0] x, y;
    begin
        if (fa >= fb) begin
            x = a;
            y = b <<< (fa - fb);
        end else begin
            x = a <<< (fb - fa);
            y = b;
        end
        fx_cmp = x < y ? -2'sd1 : (x > y ? 2'sd1 : 2'sd0);
    end
endfunction

// fx_align shifts a of fa fraction bits to f >= fa.
function signed [63:0] fx_align;
    input signed [63:0] a;
    input integer fa;
    input integer f;
    fx_align = a <<< (f - fa);
endfunction
