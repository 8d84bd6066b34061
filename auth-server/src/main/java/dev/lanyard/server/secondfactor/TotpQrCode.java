package dev.lanyard.server.secondfactor;

import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * The QR code of an {@code otpauth://} URI, drawn on the server (ZXing) as an SVG the
 * page embeds: no script, no request to anyone else, nothing the Content-Security-Policy
 * has to allow. The SVG holds only numbers (module positions), never the URI's text.
 */
final class TotpQrCode {

	/** The white border QR readers need, in modules (ISO/IEC 18004 quiet zone). */
	private static final int QUIET_ZONE = 4;

	private TotpQrCode() {
	}

	static String svg(String uri) {
		BitMatrix matrix;
		try {
			matrix = new QRCodeWriter().encode(uri, BarcodeFormat.QR_CODE, 0, 0,
					Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
		}
		catch (WriterException ex) {
			throw new IllegalStateException("An otpauth URI always fits in a QR code", ex);
		}
		int size = matrix.getWidth() + 2 * QUIET_ZONE;
		StringBuilder path = new StringBuilder();
		for (int y = 0; y < matrix.getHeight(); y++) {
			for (int x = 0; x < matrix.getWidth(); x++) {
				if (matrix.get(x, y)) {
					path.append('M').append(x + QUIET_ZONE).append(',').append(y + QUIET_ZONE).append("h1v1h-1z");
				}
			}
		}
		return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
				+ "\" width=\"220\" height=\"220\" shape-rendering=\"crispEdges\" aria-hidden=\"true\">"
				+ "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
	}

}
