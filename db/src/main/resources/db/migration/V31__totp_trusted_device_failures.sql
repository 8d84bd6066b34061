-- Wrong second factors given one after the other from a browser the account trusts (its
-- device cookie, "Remember this device"), counted apart from those given anywhere else:
-- someone who has the password can use up consecutive_failures from elsewhere, but not
-- block the owner's own browser (HD-05). Each count is held to 100 (NIST SP 800-63B
-- §5.2.2); a right one starts both anew.
ALTER TABLE totp_authenticators ADD COLUMN trusted_device_failures INT NOT NULL DEFAULT 0;
